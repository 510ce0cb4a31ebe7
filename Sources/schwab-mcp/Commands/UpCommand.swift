import EdgeCore
import EdgeIO
import Foundation
import SchwabSandbox
import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp up`: the whole stack on one box (kv, N session hosts, the router, and the Schwab
/// sandbox while no real Schwab credentials are configured), supervised until SIGTERM or SIGINT.
///
/// The configuration is loaded and checked once, before anything starts; every child then gets
/// the same `--config` and override flags so all of them resolve the same values.
enum UpCommand {
    static let subcommand = Subcommand(
        name: "up",
        summary: "run the whole stack (kv, hosts, router, sandbox) under a supervisor; Ctrl-C drains it",
        usage: "[--config PATH] [--sandbox-port N] [--demo-routes] " + ConfigCommand.flagsUsage,
        run: { arguments in
            let sandboxPort = try arguments.intOption("sandbox-port")
            // Passed on to the router: /objects/<class>/<id>/... reaches any object (tests, benchmarks).
            let demoRoutes = arguments.flag("demo-routes")
            let configPath = try arguments.option("config")
            let overrides = try ConfigOverrides.read(from: &arguments)
            try arguments.finish()
            if let sandboxPort, !(1...65535).contains(sandboxPort) {
                throw ArgumentError(message: "--sandbox-port expects a port from 1 to 65535, received \(sandboxPort)")
            }
            var config: Config
            var secrets: Secrets
            do throws(ConfigErrors) {
                (config, secrets) = try ConfigLoader.load(path: configPath, overrides: overrides)
            } catch {
                for message in error.messages { printError(message) }
                printError("up: nothing was started; fix the problems above (`schwab-mcp config check` lists them)")
                return 1
            }
            if config.runtime.auth == .oauth, (secrets.cookieKey ?? "").isEmpty {
                // A newcomer's first run: give the stack its cookie key, kept for the next runs.
                let folder =
                    ((config.sourcePath ?? FileManager.default.currentDirectoryPath + "/" + ConfigLoader.defaultPath)
                    as NSString).deletingLastPathComponent
                let path = folder + "/.dev.vars"
                do throws(SupervisorError) {
                    try CookieKeyFile.append(to: path)
                } catch {
                    printError("up: \(error.message)")
                    return 1
                }
                printError("up: wrote a new COOKIE_ENCRYPTION_KEY to \(path) (mode 0600); keep that file")
                do throws(ConfigErrors) {
                    (config, secrets) = try ConfigLoader.load(path: configPath, overrides: overrides)
                } catch {
                    for message in error.messages { printError(message) }
                    return 1
                }
            }
            let executable = selfExecutable()
            var plan = StackPlan(
                config: config, executable: executable, configPath: config.sourcePath ?? configPath,
                overrides: overrides, runSandbox: !secrets.hasSchwabCredentials, sandboxPort: sandboxPort,
                redirectURI: secrets.redirectURI, routerFlags: demoRoutes ? ["--demo-routes"] : [])
            let logger = config.makeLogger(label: "up", secrets: secrets)
            for missing in plan.keep(where: { isSubcommand($0, of: executable) }) {
                logger.warn(
                    "this build has no subcommand for a process of the stack; it is not started",
                    [("process", .string(missing))])
            }
            if let problem = portProblems(config: config, plan: plan).first {
                printError("up: \(problem); nothing was started")
                return 1
            }
            umask(0o077)
            for folder in [config.runtime.dataDir, config.runtime.socketDir] {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let logins = plan.sandboxURL == nil ? [] : SandboxState(configuration: SandboxConfiguration()).demoLogins
            let banner = StackBanner.text(config: config, plan: plan, demoLogins: logins, pid: getpid())
            let supervisor = Supervisor(
                processes: plan.processes, options: Supervisor.Options(grace: config.runtime.shutdownGrace),
                logger: logger, whenStarted: { printError(banner) })
            do {
                try await supervisor.runUntilSignalled(logger: logger)
            } catch {
                printError("up: \(error)")
                return 1
            }
            return 0
        })

    /// The problems with the TCP ports the stack is about to listen on, checked before anything starts.
    static func portProblems(config: Config, plan: StackPlan) -> [String] {
        var problems: [String] = []
        if plan.processes.contains(where: { $0.name == "router" }),
            let problem = SocketProbe.bindProblem(host: config.runtime.listenAddress, port: config.runtime.port)
        {
            problems.append("the router cannot listen: \(problem) (choose another with --port)")
        }
        if let port = plan.sandboxPort, let problem = SocketProbe.bindProblem(host: "127.0.0.1", port: port) {
            problems.append("the Schwab sandbox cannot listen: \(problem) (choose another with --sandbox-port)")
        }
        return problems
    }

    /// This binary's absolute path, so children are the same build as `up` itself.
    static func selfExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `executable` knows the subcommand `name` (its `--help` exits 0).
    static func isSubcommand(_ name: String, of executable: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [name, "--help"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
