import EdgeCore
import EdgeIO
import EdgeKV
import EdgeNet
import EdgeRuntime
import Foundation
import SchwabTools
import SessionHost

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp host --id N`: one session host. Listens on `<socket_dir>/host-<N>.sock` (0600) for
/// the router, keeps objects' leases and storage in the KV service at `<socket_dir>/kv.sock`,
/// serves the `MyMCP` object class (the MCP endpoint of each user, with the Schwab tools of
/// `SchwabToolHost`), drains on SIGTERM or SIGINT (goAway, finish events, release leases) and exits 0.
enum HostCommand {
    static let subcommand = Subcommand(
        name: "host", summary: "run a session host: durable objects behind the router, state in kv",
        usage:
            "--id N [--config PATH] [--socket PATH] [--kv-socket PATH] [--lease-ttl SECONDS] "
            + ConfigCommand.flagsUsage,
        run: { arguments in
            guard let number = try arguments.intOption("id") else {
                throw ArgumentError(message: "--id N is required: the host's number, unique among live hosts")
            }
            guard number >= 0 else {
                throw ArgumentError(message: "--id expects a number 0 or above, received \(number)")
            }
            let socketFlag = try arguments.option("socket")
            let kvSocketFlag = try arguments.option("kv-socket")
            let leaseText = try arguments.option("lease-ttl") ?? "3"
            guard let leaseSeconds = Double(leaseText), leaseSeconds > 0 else {
                throw ArgumentError(
                    message: "--lease-ttl expects a positive number of seconds, received '\(leaseText)'")
            }
            guard let (config, secrets) = try ConfigCommand.load(&arguments) else { return 1 }
            try arguments.finish()
            let socket = socketFlag ?? config.runtime.socketPath("host-\(number)")
            umask(0o077)
            try KVCommand.ensureParentDirectories(of: [socket])

            let logger = config.makeLogger(label: "host", secrets: secrets)
            // Once per process: the upstream client, the OAUTH_KV client and the token manager
            // every object's Schwab client shares; each object gets its own client and cache.
            let kvSocket = kvSocketFlag ?? config.runtime.socketPath("kv")
            let schwab: SchwabToolHost
            do throws(TradingSettingsError) {
                schwab = try SchwabToolHost(
                    config: config, secrets: secrets, kv: KVClient(socketPath: kvSocket), upstream: UpstreamClient(),
                    logger: logger)
            } catch {
                printError("host: \(error.description)")
                return 1
            }
            if let unavailable = schwab.unavailable {
                logger.warn("schwab tools answer 'not signed in'", [("reason", .string(unavailable))])
            } else if !schwab.canRefresh {
                logger.warn(
                    "SCHWAB_CLIENT_ID or SCHWAB_CLIENT_SECRET is not set: stored Schwab sign-ins work until their "
                        + "access token expires, then cannot be refreshed")
            }
            let mcp = MCPObjectSettings(publicURL: config.runtime.publicURL, logger: logger, tools: schwab.provider)
            let classes = [MCPObject.className: MCPObject.factory(mcp)]
            for unknown in SessionHostRegistry.unknownClasses(in: config.durableObjects, extra: classes) {
                logger.warn("no object class '\(unknown)' in this binary; its binding is not served")
            }
            let server = try SessionHostServer(
                configuration: SessionHostServer.Configuration(
                    hostNumber: number, socketPath: socket,
                    kvSocketPath: kvSocket,
                    idleTimeout: config.runtime.idleTimeout, leaseTTL: .milliseconds(Int(leaseSeconds * 1000)),
                    shutdownGrace: config.runtime.shutdownGrace),
                registry: SessionHostRegistry.make(bindings: config.durableObjects, extra: classes), logger: logger)
            signal(SIGPIPE, SIG_IGN)
            do throws(RuntimeTransportError) {
                try server.start()
            } catch {
                printError("host: \(error.message)")
                return 1
            }
            let watch = SignalHandling.onTerminate { number in
                logger.info("signal received; draining", [("signal", .int(Int(number)))])
                Task { await server.shutdown() }
            }
            await server.waitUntilStopped()
            watch.cancel()
            return 0
        })
}
