/// `schwab-mcp kv-cli`: not built yet.
enum KVCLICommand {
    static let subcommand = Subcommand(
        name: "kv-cli", summary: "(not built yet)", usage: "",
        run: { _ in
            printError("kv-cli: not built yet")
            return 1
        })
}
