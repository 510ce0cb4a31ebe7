/// `schwab-mcp serve-http`: not built yet.
enum ServeHTTPCommand {
    static let subcommand = Subcommand(
        name: "serve-http", summary: "(not built yet)", usage: "",
        run: { _ in
            printError("serve-http: not built yet")
            return 1
        })
}
