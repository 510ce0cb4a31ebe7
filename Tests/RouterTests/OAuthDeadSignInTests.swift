import EdgeCore
import EdgeKV
import EdgeNet
import Foundation
import SchwabAuth
import TestSupport
import Testing

/// A dead Schwab sign-in seen by a tool through the OAuth stack: the tool answers in plain words,
/// the host revokes every grant of that Schwab user, and the MCP client's next request gets 401
/// so it signs in again (the seed's 7-day refresh limit, issue 8).
@Suite(.serialized, .realWorld) struct OAuthDeadSignInTests {
    @Test func aDeadSchwabSignInRevokesTheUsersGrantsSoTheClientSignsInAgain() async throws {
        let world = try await OAuthStackWorld()
        defer { world.cleanUp() }
        let signIn = try await world.signIn(resource: world.issuer + "/mcp")
        let session = try await world.initialize(token: signIn.accessToken)
        let first = try Self.result(
            try await world.mcp(Self.call(2, "getAccountNumbers"), token: signIn.accessToken, session: session))
        #expect(first["isError"] == nil, "\(first.jsonText)")
        #expect(first.jsonText.contains("Individual ..."))

        // The stored Schwab tokens go bad: expired, with a refresh token Schwab refuses.
        let listed = try await world.grants(["list"])
        let grant = try JSONValue.parse(String(try #require(listed.output.split(separator: "\n").first)))
        let schwabUserId = try #require(grant["schwab_user_id"]?.stringValue)
        let store = SchwabTokenStore(
            kv: KVClient(socketPath: world.kvSocket), namespace: "OAUTH_KV",
            key: try SchwabTokenKey(cookieEncryptionKey: world.cookieKey))
        let now = Int64(Date().timeIntervalSince1970)
        try await store.save(
            SchwabTokens(
                accessToken: "expired-access", refreshToken: "refused-refresh", expiresIn: 1800, expiresAt: now - 60,
                refreshIssuedAt: now - 3600),
            schwabUserId: schwabUserId, clientId: signIn.clientId)

        let dead = try Self.result(
            try await world.mcp(Self.call(3, "getAccounts"), token: signIn.accessToken, session: session))
        #expect(dead["isError"] == true, "\(dead.jsonText)")
        let words = dead["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(words.contains("Sign in again"), "\(words)")
        let after = try await world.grants(["list"])
        #expect(after.output.isEmpty, "the grant outlived the dead sign-in: \(after.output)")
        let refused = try await world.mcp(Self.call(4, "status"), token: signIn.accessToken, session: session)
        #expect(refused.status == 401)
    }

    static func call(_ id: Int, _ name: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(name)","arguments":{}}}"#
    }

    /// The `result` of a JSON-RPC answer given as JSON or as one SSE `data:` line.
    static func result(_ response: UpstreamResponse) throws -> JSONValue {
        for line in response.text.split(whereSeparator: \.isNewline) {
            var text = Substring(line)
            if text.hasPrefix("data:") { text = text.dropFirst(5) }
            if let value = try? JSONValue.parse(String(text)), let result = value["result"] { return result }
        }
        throw WorldError(message: "no result in \(response.status) \(response.text)")
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
