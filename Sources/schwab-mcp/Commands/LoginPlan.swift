import EdgeCore
import Supervisor

/// Where `schwab-mcp login` signs in and where it listens, decided from the secrets and flags
/// before anything starts.
///
/// With real app credentials (`SCHWAB_CLIENT_ID` and `SCHWAB_CLIENT_SECRET`), Schwab itself at
/// `SCHWAB_API_BASE_URL` or `https://api.schwabapi.com`. Without them, the sandbox with its demo
/// app, at the URL `schwab-mcp up` gives it (`SCHWAB_API_BASE_URL`, else its default port next
/// to the router's), exactly as `up` decides. `--api-base` overrides either.
struct LoginPlan {
    var apiBase: String
    var clientId: String
    var clientSecret: String
    var redirectURI: String
    var listenPort: Int
    var usesSandbox: Bool

    /// The callback a Schwab app for local use registers (Schwab requires HTTPS).
    static let defaultRedirectURI = StackPlan.localLoginCallback
    /// Schwab's production API.
    static let schwabAPIBase = "https://api.schwabapi.com"

    static func resolve(
        secrets: Secrets, routerPort: Int, apiBaseFlag: String?, portFlag: Int?, redirectFlag: String?
    ) throws(LoginFailure) -> LoginPlan {
        func set(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }
        let app = LocalSchwabApp(secrets: secrets, routerPort: routerPort, apiBaseFlag: apiBaseFlag)
        var redirect = redirectFlag ?? set(secrets.redirectURI) ?? defaultRedirectURI
        let fromDefault = redirectFlag == nil && set(secrets.redirectURI) == nil
        guard var parts = LoopbackURI(redirect) else {
            throw LoginFailure(
                "The redirect URI \(redirect) is not an https://127.0.0.1:PORT/... or https://localhost:PORT/... "
                    + "address, so this command cannot catch Schwab's answer. Register \(defaultRedirectURI) as "
                    + "a callback of your Schwab app and pass --redirect-uri \(defaultRedirectURI) (or set "
                    + "SCHWAB_REDIRECT_URI to it).")
        }
        if let portFlag {
            guard (1...65535).contains(portFlag) else {
                throw LoginFailure("--port expects a port from 1 to 65535, received \(portFlag)")
            }
            if fromDefault {
                parts.port = portFlag
                redirect = parts.text
            } else if portFlag != parts.port {
                throw LoginFailure(
                    "--port \(portFlag) differs from the port of the redirect URI \(redirect); Schwab sends the "
                        + "browser to the URI's port, so leave out --port or change the URI.")
            }
        }
        return LoginPlan(
            apiBase: app.apiBase, clientId: app.clientId, clientSecret: app.clientSecret, redirectURI: redirect,
            listenPort: parts.port, usesSandbox: app.usesSandbox)
    }
}

/// The Schwab app and API a local command talks to: the configured app at Schwab (or at
/// `SCHWAB_API_BASE_URL`), else the sandbox's demo app at the URL `schwab-mcp up` gives the
/// sandbox (its default port next to the router's), as `up` decides. `--api-base` wins.
struct LocalSchwabApp {
    var apiBase: String
    var clientId: String
    var clientSecret: String
    var usesSandbox: Bool

    init(secrets: Secrets, routerPort: Int, apiBaseFlag: String?) {
        usesSandbox = !secrets.hasSchwabCredentials
        let configured = secrets.apiBaseURL.flatMap { $0.isEmpty ? nil : $0 }
        apiBase =
            apiBaseFlag ?? configured
            ?? (usesSandbox
                ? "http://127.0.0.1:\(StackPlan.defaultSandboxPort(routerPort: routerPort))" : LoginPlan.schwabAPIBase)
        clientId = usesSandbox ? StackPlan.sandboxClientID : secrets.clientID ?? ""
        clientSecret = usesSandbox ? StackPlan.sandboxClientSecret : secrets.clientSecret ?? ""
    }

    /// `secrets` with this app's credentials and API base, as `up` hands them to its hosts.
    func applied(to secrets: Secrets) -> Secrets {
        var values: [String: String] = [:]
        for name in secrets.names { values[name] = secrets[name] }
        values[Secrets.schwabClientID] = clientId
        values[Secrets.schwabClientSecret] = clientSecret
        values[Secrets.schwabAPIBaseURL] = apiBase
        return Secrets(values)
    }
}

/// An `https://127.0.0.1:PORT/path` or `https://localhost:PORT/path` URI, split.
struct LoopbackURI {
    var host: String
    var port: Int
    var path: String

    init?(_ text: String) {
        guard text.hasPrefix("https://") else { return nil }
        let rest = text.dropFirst("https://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        path = String(rest.dropFirst(authority.count))
        let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count <= 2, ["127.0.0.1", "localhost"].contains(pieces[0].lowercased()) else { return nil }
        host = String(pieces[0])
        if pieces.count == 2 {
            guard let port = Int(pieces[1]), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            port = 443
        }
    }

    var text: String { "https://\(host):\(port)\(path)" }
}
