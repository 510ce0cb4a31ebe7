#if canImport(Glibc)
    import Glibc
#endif

/// One subcommand of the binary: a name, a line of help, and the function that runs it.
struct Subcommand: Sendable {
    let name: String
    let summary: String
    let usage: String
    let run: @Sendable (inout Arguments) async throws -> Int32

    /// Picks the subcommand named by the first argument and runs it; returns the exit status.
    static func dispatch(_ argv: [String], commands: [Subcommand]) async -> Int32 {
        let rest = Array(argv.dropFirst())
        guard let name = rest.first, name != "--help", name != "-h", name != "help" else {
            printHelp(commands)
            return rest.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            printError("unknown subcommand '\(name)'; run 'schwab-mcp --help' for the list")
            return 2
        }
        var arguments = Arguments(Array(rest.dropFirst()))
        if arguments.flag("help") || arguments.flag("h") {
            print("usage: schwab-mcp \(command.name) \(command.usage)\n\n\(command.summary)")
            return 0
        }
        do {
            return try await command.run(&arguments)
        } catch let error as ArgumentError {
            printError("\(command.name): \(error.message)\nusage: schwab-mcp \(command.name) \(command.usage)")
            return 2
        } catch {
            printError("\(command.name): \(error)")
            return 1
        }
    }

    static func printHelp(_ commands: [Subcommand]) {
        var text = "usage: schwab-mcp <subcommand> [--config PATH] [flags]\n\nsubcommands:\n"
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            text +=
                "  " + command.name + String(repeating: " ", count: width - command.name.count + 2)
                + command.summary + "\n"
        }
        text += "\nRun 'schwab-mcp <subcommand> --help' for its flags."
        print(text)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
