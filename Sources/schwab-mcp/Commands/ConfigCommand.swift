/// `schwab-mcp config`: not built yet.
enum ConfigCommand {
    static let subcommand = Subcommand(
        name: "config", summary: "(not built yet)", usage: "",
        run: { _ in
            printError("config: not built yet")
            return 1
        })
}
