import Foundation
import TestSupport

/// A real `schwab-mcp sandbox` child for the HTTP tests, and a curl-based client for it.
///
/// The port comes from the child's "sandbox ready" log line (it binds port 0), so tests never
/// race for ports. Requests go through the `curl` binary: an independent HTTP client.
final class SandboxProcess: @unchecked Sendable {
    // Confined: created in init and only read afterwards.
    let child: ChildProcess
    let port: Int
    static let adminToken = "swift-test-admin"

    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: Data

        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    }

    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    init(_ extra: [String] = []) async throws {
        let child = try ChildProcess(["sandbox", "--port", "0", "--admin-token", Self.adminToken] + extra)
        self.child = child
        var found: Int?
        _ = await TestSupport.waitUntil {
            for line in child.stderrText.split(separator: "\n") where line.contains("\"sandbox ready\"") {
                if let data = line.data(using: .utf8),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                {
                    found = object["port"] as? Int
                }
            }
            return found != nil || !child.isRunning
        }
        guard let found else {
            child.stop()
            throw StartError(description: "sandbox did not start: \(child.stderrText)")
        }
        port = found
    }

    deinit { child.stop() }

    /// Starts a sandbox; waiting for its ready line never holds a cooperative-pool thread.
    static func launch(_ extra: [String] = []) async throws -> SandboxProcess {
        try await SandboxProcess(extra)
    }

    /// One request through curl, off the cooperative pool; never follows redirects.
    func request(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, form: String? = nil,
        basic: String? = nil
    ) async throws -> Reply {
        let port = self.port
        return try await Self.curl(port: port, method, path, token: token, json: json, form: form, basic: basic)
    }

    private static func curl(
        port: Int, _ method: String, _ path: String, token: String?, json: String?, form: String?, basic: String?
    ) async throws -> Reply {
        let dir = try TestSupport.temporaryDirectory("sandbox-curl")
        defer { try? FileManager.default.removeItem(at: dir) }
        let headerFile = dir.appendingPathComponent("headers").path
        let bodyFile = dir.appendingPathComponent("body").path
        var arguments = ["-s", "-X", method, "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let basic { arguments += ["-u", basic] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        if let form { arguments += ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", form] }
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let result = try await TestSupport.run("/usr/bin/curl", arguments)
        var headers: [String: String] = [:]
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let body = FileManager.default.contents(atPath: bodyFile) ?? Data()
        return Reply(status: Int(result.output) ?? 0, headers: headers, body: body)
    }

    /// Logs in as `user` through the form and the token endpoint; returns the access token.
    func accessToken(user: String = "alex") async throws -> String {
        let redirect = "http://127.0.0.1:1/cb"
        let login = try await request(
            "POST", "/v1/oauth/authorize",
            form: "response_type=code&client_id=sandbox-app&redirect_uri=\(redirect)&state=s&login=\(user)")
        guard let location = login.headers["location"], let components = URLComponents(string: location),
            let code = components.queryItems?.first(where: { $0.name == "code" })?.value
        else { throw StartError(description: "no code in \(login.headers)") }
        let encoded = code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? code
        let token = try await request(
            "POST", "/v1/oauth/token",
            form: "grant_type=authorization_code&code=\(encoded)&redirect_uri=\(redirect)",
            basic: "sandbox-app:sandbox-secret")
        guard let access = token.object["access_token"] as? String else {
            throw StartError(description: "token exchange failed: \(String(decoding: token.body, as: UTF8.self))")
        }
        return access
    }

    /// Moves the sandbox clock forward.
    func advanceClock(seconds: Int) async throws {
        _ = try await request("POST", "/admin/clock", token: Self.adminToken, json: "{\"advanceSeconds\": \(seconds)}")
    }
}
