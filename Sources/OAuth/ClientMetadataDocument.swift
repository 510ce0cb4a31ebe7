import EdgeCore
import Foundation
import SchwabAuth

/// Client ID Metadata Documents (MCP 2025-11-25 authorization, draft-ietf-oauth-client-id-metadata-document):
/// a `client_id` that is an HTTPS URL with a path names a JSON document describing the client.
///
/// The checks are pure: whether an id is such a URL, and whether a fetched document is acceptable
/// (its `client_id` equals the URL, every redirect URI passes our rules). Fetching is the caller's.
public enum ClientMetadataDocument {
    /// The largest document we read (the draft suggests 5 KB).
    public static let maximumBytes = 5 * 1024

    /// Whether `clientId` is an HTTPS URL with a non-root path and no fragment, userinfo or dot segments.
    public static func isDocumentURL(_ clientId: String) -> Bool {
        guard clientId.hasPrefix("https://"), !clientId.contains("#"), let parts = URIParts(clientId),
            !parts.hasUserInfo, !parts.host.isEmpty
        else { return false }
        let path = parts.pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard path.count > 1 else { return false }
        return !path.split(separator: "/").contains { $0 == "." || $0 == ".." }
    }

    /// Validates a fetched document for `clientId` and returns the client it describes.
    public static func client(from body: [UInt8], clientId: String, now: Int64) throws(AuthError) -> RegisteredClient {
        guard body.count <= maximumBytes else {
            throw AuthError(.invalidClientDocument, "the client metadata document at \(clientId) is larger than 5 KB.")
        }
        guard let json = try? JSONValue.parse(body) else {
            throw AuthError(.invalidClientDocument, "the client metadata document at \(clientId) is not JSON.")
        }
        guard json["client_id"]?.stringValue == clientId else {
            throw AuthError(
                .invalidClientDocument, "the client metadata document's client_id does not equal its URL \(clientId).")
        }
        guard let uris = json["redirect_uris"]?.arrayValue?.compactMap(\.stringValue), !uris.isEmpty else {
            throw AuthError(
                .invalidClientDocument, "the client metadata document at \(clientId) lists no redirect_uris.")
        }
        for uri in uris { try RedirectURIRules.validate(uri) }
        let method = json["token_endpoint_auth_method"]?.stringValue ?? "none"
        guard method == "none" else {
            throw AuthError(
                .invalidClientDocument, "a metadata-document client must be public (token_endpoint_auth_method none).")
        }
        return RegisteredClient(
            clientId: clientId, clientName: json["client_name"]?.stringValue.map { String($0.prefix(100)) },
            redirectURIs: uris, tokenEndpointAuthMethod: "none", secretHash: nil, issuedAt: now)
    }
}
