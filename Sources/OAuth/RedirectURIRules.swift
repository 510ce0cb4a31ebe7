import Foundation
import SchwabAuth

/// What a client's redirect URI must look like (OAuth 2.1 §2.3.1, RFC 8252 §7.3, RFC 6749 §3.1.2).
///
/// HTTPS anywhere, or plain HTTP only to a loopback address (`127.0.0.1`, `[::1]`, `localhost`) on
/// any port as native apps need (RFC 8252 §7.3); never a fragment (RFC 6749 §3.1.2), never userinfo,
/// never a custom scheme that could hand the code to another app. Matching is exact string equality,
/// except that a loopback URI matches on any port (RFC 8252 §7.3).
public enum RedirectURIRules {
    /// Checks one URI at registration; the error says what to change.
    public static func validate(_ uri: String) throws(AuthError) {
        guard let parts = URIParts(uri) else {
            throw AuthError(.invalidRedirectURI, "redirect URI '\(uri)' is not an absolute URL.")
        }
        guard !uri.contains("#") else {
            throw AuthError(.invalidRedirectURI, "redirect URI '\(uri)' has a fragment; remove it (RFC 6749 §3.1.2).")
        }
        guard !parts.hasUserInfo else {
            throw AuthError(.invalidRedirectURI, "redirect URI '\(uri)' carries user info; remove it.")
        }
        switch parts.scheme {
        case "https":
            guard !parts.host.isEmpty else {
                throw AuthError(.invalidRedirectURI, "redirect URI '\(uri)' has no host.")
            }
        case "http":
            guard parts.isLoopback else {
                throw AuthError(
                    .invalidRedirectURI,
                    "redirect URI '\(uri)' uses http to a non-loopback host; use https, or http://127.0.0.1 (RFC 8252 §7.3)."
                )
            }
        default:
            throw AuthError(
                .invalidRedirectURI, "redirect URI '\(uri)' must use https, or http to a loopback address.")
        }
    }

    /// Whether `requested` is one of `registered`: exact match, or a loopback URI equal but for the port.
    public static func matches(_ requested: String, registered: [String]) -> Bool {
        guard !requested.contains("#") else { return false }
        if registered.contains(requested) { return true }
        guard let asked = URIParts(requested), asked.isLoopback, asked.scheme == "http", !asked.hasUserInfo else {
            return false
        }
        return registered.contains { candidate in
            guard let known = URIParts(candidate), known.isLoopback, known.scheme == "http" else { return false }
            return known.host == asked.host && known.pathAndQuery == asked.pathAndQuery
        }
    }

    /// The host shown on the approval page, so the user sees where the code will go.
    public static func displayHost(_ uri: String) -> String {
        guard let parts = URIParts(uri) else { return uri }
        return parts.port.map { "\(parts.host):\($0)" } ?? parts.host
    }
}

/// The pieces of an absolute URL that the redirect rules look at.
struct URIParts: Equatable {
    let scheme: String
    let host: String
    let port: Int?
    let pathAndQuery: String
    let hasUserInfo: Bool

    init?(_ text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host
        else { return nil }
        guard !text.contains(" "), !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
        else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
        port = components.port
        pathAndQuery = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        hasUserInfo = components.user != nil || components.password != nil
    }

    var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "[::1]" || host == "localhost" }
}
