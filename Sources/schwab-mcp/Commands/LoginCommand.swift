import EdgeCore
import EdgeCrypto
import EdgeHTTP
import EdgeIO
import EdgeNet
import Foundation
import OAuth
import Schwab
import SchwabAuth

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp login`: signs the local user in at Schwab once, for `schwab-mcp stdio` and the
/// `auth = "none"` server.
///
/// Opens Schwab's sign-in in the browser (authorization code with PKCE, RFC 6749 §4.1 and RFC
/// 7636), catches the redirect on a loopback HTTPS listener with a self-signed certificate made
/// for the occasion (Schwab sends the browser only to HTTPS callbacks), exchanges the code, reads
/// the user preferences to name the accounts (display names only), and stores the tokens
/// encrypted in KV under `token:local`. Gives up after `--timeout` seconds (default 300).
enum LoginCommand {
    static let subcommand = Subcommand(
        name: "login", summary: "sign the local user in at Schwab once (browser; loopback HTTPS callback)",
        usage:
            "[--config PATH] [--port N] [--no-browser] [--api-base URL] [--redirect-uri URI] [--timeout SECONDS] "
            + "[--log-level LEVEL]",
        run: { arguments in
            let portFlag = try arguments.intOption("port")
            let noBrowser = arguments.flag("no-browser")
            let apiBaseFlag = try arguments.option("api-base")
            let redirectFlag = try arguments.option("redirect-uri")
            let timeout = try arguments.intOption("timeout") ?? 300
            guard timeout > 0 else { throw ArgumentError(message: "--timeout expects a positive number of seconds") }
            guard let (config, secrets) = try ConfigCommand.loadForLogging(&arguments) else { return 1 }
            try arguments.finish()
            do throws(LoginFailure) {
                let plan = try LoginPlan.resolve(
                    secrets: secrets, routerPort: config.runtime.port, apiBaseFlag: apiBaseFlag, portFlag: portFlag,
                    redirectFlag: redirectFlag)
                let logger = config.makeLogger(label: "login", secrets: secrets)
                return try await run(
                    plan: plan, config: config, secrets: secrets, openBrowser: !noBrowser, timeout: timeout,
                    logger: logger)
            } catch {
                printError("login: " + error.message)
                return 1
            }
        })

    static func run(
        plan: LoginPlan, config: Config, secrets: Secrets, openBrowser: Bool, timeout: Int, logger: Logger
    ) async throws(LoginFailure) -> Int32 {
        guard let secret = secrets.cookieKey, !secret.isEmpty else {
            throw LoginFailure(
                "COOKIE_ENCRYPTION_KEY is not set. It encrypts the Schwab tokens at rest, and the server must use "
                    + "the same one: set it in the environment or in .dev.vars next to wrangler.toml (make one with "
                    + "`openssl rand -hex 32`), then run `schwab-mcp login` again.")
        }
        let key: SchwabTokenKey
        do { key = try SchwabTokenKey(cookieEncryptionKey: secret) } catch { throw LoginFailure(error.message) }
        let kv: LocalKV
        do { kv = try await LocalKV.open(config: config, logger: logger) } catch {
            throw LoginFailure("the KV store cannot be opened: \(error)")
        }
        let upstream = UpstreamClient()
        defer { upstream.shutdown() }
        let settings = SchwabOAuthSettings(
            apiBase: plan.apiBase, clientId: plan.clientId, clientSecret: plan.clientSecret,
            redirectURI: plan.redirectURI)
        let schwab = SchwabOAuthClient(settings: settings, upstream: upstream)
        let store = SchwabTokenStore(kv: kv.client, namespace: LocalTools.namespace, key: key)
        let state = SecureRandom.token(byteCount: 24)
        let verifier = PKCE.makeVerifier()
        let callback = LoginCallback(state: state, logger: logger) { code in
            await complete(
                code: code, verifier: verifier, schwab: schwab, store: store,
                accounts: { token in
                    AccountDirectory(
                        client: SchwabClient(
                            apiBase: plan.apiBase, upstream: upstream, tokens: .fixed(token), logger: logger))
                })
        }
        // Watch before listening: a SIGTERM that follows the listener cancels, never kills.
        let watch = SignalHandling.onTerminate { _ in callback.cancel() }
        defer { watch.cancel() }
        let server: HTTPServer
        do {
            server = try LoopbackTLS.server(port: plan.listenPort, responder: callback, logger: logger)
            try server.start()
        } catch {
            await kv.close()
            throw LoginFailure(
                "cannot listen on 127.0.0.1:\(plan.listenPort) for Schwab's callback: \(error). Free the port, or "
                    + "register another https://127.0.0.1:PORT/callback and pass it with --redirect-uri.")
        }
        let serving = Task { await server.run() }
        let url = schwab.authorizeURL(state: state, codeChallenge: PKCE.challengeFor(verifier: verifier))
        let opened = openBrowser && Browser.open(url)
        say(instructions(plan: plan, url: url, opened: opened, timeout: timeout))
        let outcome = await firstOutcome(callback.outcomes, timeout: timeout)
        server.shutdown(deadline: .seconds(2))
        await serving.value
        await kv.close()
        switch outcome {
        case .success(let summary)?:
            say("signed in. " + summary)
            return 0
        case .failure(let failure)?:
            throw failure
        case nil:
            throw LoginFailure(
                "no sign-in arrived within \(timeout) seconds; nothing was saved. Run `schwab-mcp login` again "
                    + "and finish the sign-in in the browser.")
        }
    }

    /// Exchanges the code, names the accounts (the display names the tools show and accept, from
    /// the same `AccountDirectory`), saves the tokens; the sentence to print.
    static func complete(
        code: String, verifier: String, schwab: SchwabOAuthClient, store: SchwabTokenStore,
        accounts: (String) -> AccountDirectory
    ) async -> Result<String, LoginFailure> {
        let tokens: SchwabTokens
        let names: [String]
        do throws(AuthError) {
            tokens = try await schwab.exchange(code: code, verifier: verifier, now: Int64(Date().timeIntervalSince1970))
        } catch {
            return .failure(LoginFailure(error.message))
        }
        do throws(SchwabAPIError) {
            names = try await accounts(tokens.accessToken).map().displayNames
        } catch {
            return .failure(
                LoginFailure("Schwab did not list the accounts (\(error.message)); the sign-in was not saved."))
        }
        do throws(AuthError) {
            try await store.save(tokens, schwabUserId: nil, clientId: LocalTools.user)
        } catch {
            return .failure(LoginFailure(error.message))
        }
        let listed = names.isEmpty ? "no accounts" : names.joined(separator: ", ")
        return .success("Schwab accounts: \(listed). The sign-in is saved for the local user.")
    }

    static func firstOutcome(
        _ outcomes: AsyncStream<Result<String, LoginFailure>>, timeout: Int
    ) async -> Result<String, LoginFailure>? {
        await withTaskGroup(of: Result<String, LoginFailure>?.self) { group in
            group.addTask {
                for await outcome in outcomes { return outcome }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    static func instructions(plan: LoginPlan, url: String, opened: Bool, timeout: Int) -> String {
        let target = plan.usesSandbox ? "the Schwab sandbox at \(plan.apiBase) (no real credentials are set)" : "Schwab"
        let minutes = timeout >= 120 ? "\(timeout / 60) minutes" : "\(timeout) seconds"
        return """
            Signing the local user in at \(target).
            \(opened ? "Your browser should open now; if it does not, open this URL:" : "Open this URL in your browser:")

              \(url)

            After you sign in, Schwab sends the browser to \(plan.redirectURI). That listener uses a
            certificate this command made a moment ago for 127.0.0.1 only, so the browser warns that it is
            not trusted: accept the warning to finish. Waiting up to \(minutes)...
            """
    }
}

/// Writes a line to standard output at once (a pipe or file would otherwise hold `print`'s
/// buffer until exit, and the user or a test is waiting for the URL).
func say(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
