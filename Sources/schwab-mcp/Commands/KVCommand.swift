/// `schwab-mcp kv`: not built yet.
enum KVCommand {
    static let subcommand = Subcommand(
        name: "kv", summary: "(not built yet)", usage: "",
        run: { _ in
            printError("kv: not built yet")
            return 1
        })
}
