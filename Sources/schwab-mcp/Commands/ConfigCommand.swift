import EdgeCore

/// `schwab-mcp config check`: loads `wrangler.toml`, the flags, the environment and `.dev.vars`
/// exactly as every other subcommand does, and prints the result or every problem.
enum ConfigCommand {
    static let subcommand = Subcommand(
        name: "config",
        summary: "check the configuration: print it resolved (secrets redacted) or list every problem",
        usage: "check [--config PATH] [--json] " + flagsUsage,
        run: { arguments in
            guard let word = arguments.positional() else {
                print(help)
                return 0
            }
            guard word == "check" else {
                throw ArgumentError(message: "unknown word '\(word)'; the only one is 'check'")
            }
            let asJSON = arguments.flag("json")
            let path = try arguments.option("config")
            let overrides = try ConfigOverrides.read(from: &arguments)
            try arguments.finish()
            do throws(ConfigErrors) {
                let (config, secrets) = try ConfigLoader.load(path: path, overrides: overrides)
                let json = config.resolvedJSON(secrets: secrets)
                print(asJSON ? json.prettyJSONText : config.resolvedText(secrets: secrets))
                return 0
            } catch {
                for message in error.messages { printError(message) }
                return 1
            }
        })

    /// The flags that override `[runtime]` and `LOG_LEVEL`, shared by every subcommand.
    static let flagsUsage =
        "[--port N] [--hosts N] [--listen-address ADDR] [--public-url URL] [--data-dir DIR] [--socket-dir DIR]"
        + " [--log-level LEVEL] [--auth oauth|none] [--idle-timeout DURATION]"

    static let help = """
        usage: schwab-mcp config check [--config PATH] [--json] [flags]

        Reads the configuration every subcommand reads (--config, default ./wrangler.toml; the
        environment and .dev.vars for secrets; flags override the file), validates all of it, and
        prints it resolved, secrets shown as [REDACTED] or (not set). Exit status 0 when valid;
        otherwise every problem, one per line on stderr, and exit status 1.

        flags: \(flagsUsage)
        """

    /// Loads the configuration for a subcommand from `--config` and the override flags, printing
    /// every problem and returning nil when it is invalid (the caller exits with status 1).
    static func load(_ arguments: inout Arguments) throws -> (Config, Secrets)? {
        let path = try arguments.option("config")
        let overrides = try ConfigOverrides.read(from: &arguments)
        do throws(ConfigErrors) {
            return try ConfigLoader.load(path: path, overrides: overrides)
        } catch {
            for message in error.messages { printError(message) }
            return nil
        }
    }
}

extension ConfigCommand {
    /// Loads the configuration for a process that is not part of the runtime proper (the
    /// sandbox, the bare HTTP server, the MCP development endpoint): only `--config` and
    /// `--log-level` are read, so their own `--port` and `--host` keep their meaning.
    static func loadForLogging(_ arguments: inout Arguments) throws -> (Config, Secrets)? {
        let path = try arguments.option("config")
        let overrides = ConfigOverrides(logLevel: try arguments.option("log-level"))
        do throws(ConfigErrors) {
            return try ConfigLoader.load(path: path, overrides: overrides)
        } catch {
            for message in error.messages { printError(message) }
            return nil
        }
    }
}

extension ConfigOverrides {
    /// Reads the override flags (`--port`, `--hosts`, `--data-dir`, `--socket-dir`,
    /// `--listen-address`, `--log-level`, `--public-url`, `--auth`, `--idle-timeout`).
    static func read(from arguments: inout Arguments) throws -> ConfigOverrides {
        ConfigOverrides(
            port: try arguments.intOption("port"), hosts: try arguments.intOption("hosts"),
            dataDir: try arguments.option("data-dir"), socketDir: try arguments.option("socket-dir"),
            listenAddress: try arguments.option("listen-address"), logLevel: try arguments.option("log-level"),
            publicURL: try arguments.option("public-url"), auth: try arguments.option("auth"),
            idleTimeout: try arguments.option("idle-timeout"))
    }
}
