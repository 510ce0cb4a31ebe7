import EdgeCore
import EdgeIO
import EdgeNet
import Router

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp router`: the front door. Serves HTTP(S), answers `/health` and `/metrics`, with
/// `auth = "oauth"` serves the authorization server (discovery, `/register`, `/authorize`,
/// `/callback`, `/token`, `/revoke`) and checks the bearer token of every MCP request, and
/// forwards object routes to the session hosts found in the socket folder, until SIGTERM or
/// SIGINT, then drains and exits 0.
enum RouterCommand {
    static let subcommand = Subcommand(
        name: "router", summary: "run the router: HTTP(S) front door forwarding to the session hosts",
        usage: "[--config PATH] [--demo-routes] " + ConfigCommand.flagsUsage,
        run: { arguments in
            // --demo-routes serves /objects/<class>/<id>/... (tests and benchmarks address any object).
            let demoRoutes = arguments.flag("demo-routes")
            guard let (config, secrets) = try ConfigCommand.load(&arguments) else { return 1 }
            try arguments.finish()
            let logger = config.makeLogger(label: "router", secrets: secrets)
            let configuration: RouterConfiguration
            do throws(RouterError) {
                configuration = try RouterConfiguration(config: config, secrets: secrets, demoRoutes: demoRoutes)
            } catch {
                printError(error.message)
                return 1
            }
            if config.runtime.auth == .none {
                logger.warn(
                    "auth = none: every request is served as the one local user without sign-in; "
                        + "keep this to a single-user machine",
                    [("listen_address", .string(config.runtime.listenAddress))])
            }
            for warning in configuration.warnings { logger.warn(warning) }
            if let oauth = configuration.oauth {
                logger.info(
                    "OAuth on: MCP requests need a signed-in client",
                    [
                        ("issuer", .string(oauth.settings.issuer)),
                        ("schwab_authorize", .string(oauth.settings.schwab.authorizeURL)),
                        ("kv_namespace", .string(oauth.settings.namespace)),
                    ])
            }
            signal(SIGPIPE, SIG_IGN)
            let router = try RouterServer(configuration: configuration, logger: logger)
            let port: Int
            do throws(RouterError) {
                port = try router.start()
            } catch {
                printError(error.message)
                return 1
            }
            logger.info(
                "router ready",
                [
                    ("port", .int(port)), ("socket_dir", .string(configuration.socketDirectory)),
                    ("live_hosts", .int(router.pool.liveHostIDs.count)),
                ])
            let watch = SignalHandling.onTerminate { number in
                logger.info("signal received, draining", [("signal", .int(Int(number)))])
                router.shutdown()
            }
            await router.run()
            watch.cancel()
            return 0
        })
}
