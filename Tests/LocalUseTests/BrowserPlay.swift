import Foundation
import TestSupport

/// The test playing the user's browser with curl: opens the authorize URL, submits the sandbox's
/// login form for a demo user, and follows the redirect to the loopback callback, accepting the
/// self-signed certificate (`-k`, what "accept the warning" does in a browser).
enum BrowserPlay {
    /// The callback URL the sandbox redirects to after logging `login` in.
    static func signIn(authorizeURL: String, login: String = "alex") async throws -> String {
        let page = try await TestSupport.run("/usr/bin/curl", ["-sS", authorizeURL])
        guard page.status == 0 else { throw SetupFailure("the authorize page did not load: \(page.error)") }
        let fields = hiddenFields(page.output)
        guard fields.contains(where: { $0.0 == "state" }) else {
            throw SetupFailure("the sandbox showed no login form: \(page.output.prefix(400))")
        }
        let action = authorizeURL.components(separatedBy: "?")[0]
        var arguments = ["-sS", "-o", "/dev/null", "-w", "%{redirect_url}"]
        for (name, value) in fields + [("login", login), ("password", "demo")] {
            arguments += ["--data-urlencode", "\(name)=\(value)"]
        }
        let posted = try await TestSupport.run("/usr/bin/curl", arguments + [action])
        guard posted.status == 0, posted.output.hasPrefix("https://127.0.0.1:") else {
            throw SetupFailure("the login form did not redirect to the callback: \(posted.output) \(posted.error)")
        }
        return posted.output
    }

    /// GETs `url` over HTTPS accepting any certificate; the status and the body.
    static func visit(_ url: String) async throws -> (status: Int, body: String) {
        let result = try await TestSupport.run("/usr/bin/curl", ["-sS", "-k", "-w", "\n%{http_code}", url])
        let lines = result.output.components(separatedBy: "\n")
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// `name="…" value="…"` pairs of the page's hidden inputs, HTML entities decoded.
    static func hiddenFields(_ html: String) -> [(String, String)] {
        var fields: [(String, String)] = []
        for piece in html.components(separatedBy: "<input type=\"hidden\"").dropFirst() {
            guard let name = attribute("name", in: piece), let value = attribute("value", in: piece) else { continue }
            fields.append((name, value))
        }
        return fields
    }

    private static func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "\(name)=\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
    }
}
