/// `schwab-mcp sandbox`: not built yet.
enum SandboxCommand {
    static let subcommand = Subcommand(
        name: "sandbox", summary: "(not built yet)", usage: "",
        run: { _ in
            printError("sandbox: not built yet")
            return 1
        })
}
