import EdgeCore
import EdgeHTTP
import EdgeKV
import EdgeNet
import Foundation
import TestSupport
import Testing

/// The router with `auth = "oauth"` in front of real hosts, kv and the sandbox: the challenge,
/// discovery, the whole sign-in over the wire, MCP through the router to the user's own object,
/// audiences, the trade scope, and the operator's `grants` command.
@Suite(.serialized, .realWorld) struct OAuthStackTests {
    @Test func withoutATokenMCPIs401WithAChallengeAndDiscoveryAgreesOnTheIssuer() async throws {
        let world = try await OAuthStackWorld()
        defer { world.cleanUp() }
        let issuer = world.issuer
        for path in ["/mcp", "/sse", "/messages?sessionId=x", "/mcp/extra"] {
            let refused = try await world.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: nil, path: path)
            #expect(refused.status == 401, "\(path)")
            let challenge = try #require(refused.header("WWW-Authenticate"))
            #expect(challenge.hasPrefix("Bearer "))
            #expect(challenge.contains("resource_metadata=\"\(issuer)/.well-known/oauth-protected-resource"))
            #expect(challenge.contains("scope=\"read\""))
            #expect(refused.header("Access-Control-Expose-Headers") == "WWW-Authenticate")
        }
        var preflight = HTTPHeaders()
        preflight.add("Origin", "https://client.example")
        preflight.add("Access-Control-Request-Method", "POST")
        let options = try await world.send(UpstreamRequest(method: .options, url: issuer + "/mcp", headers: preflight))
        #expect(options.status == 204)
        #expect(options.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
        let garbage = try await world.mcp("{}", token: "not-a-token")
        #expect(garbage.status == 401 && garbage.header("WWW-Authenticate")?.contains("invalid_token") == true)

        // Discovery needs neither a token nor MCP-Protocol-Version, even a wrong one.
        var headers = HTTPHeaders()
        headers.add("MCP-Protocol-Version", "1999-01-01")
        let server = try await world.send(
            UpstreamRequest(url: issuer + "/.well-known/oauth-authorization-server", headers: headers))
        #expect(server.status == 200)
        let metadata = try JSONValue.parse(server.body)
        #expect(metadata["issuer"]?.stringValue == issuer)
        #expect(metadata["authorization_endpoint"]?.stringValue == issuer + "/authorize")
        #expect(metadata["code_challenge_methods_supported"] == ["S256"])
        for (path, resource) in [("", issuer), ("/mcp", issuer + "/mcp"), ("/sse", issuer + "/sse")] {
            let answer = try await world.send(
                UpstreamRequest(url: issuer + "/.well-known/oauth-protected-resource" + path))
            #expect(answer.status == 200, "\(path)")
            let document = try JSONValue.parse(answer.body)
            #expect(document["resource"]?.stringValue == resource)
            #expect(document["authorization_servers"] == [.string(issuer)])
        }
        #expect(try await HTTP.get(issuer + "/health").status == 200)
        #expect(try await HTTP.get(issuer + "/objects/RuntimeProbe/x").status == 404)
    }

    @Test func theFullSignInReachesTheUsersObjectAndGrantsCanBeRevoked() async throws {
        let world = try await OAuthStackWorld()
        defer { world.cleanUp() }
        let signIn = try await world.signIn(resource: world.issuer + "/mcp")

        // The operator sees the grant, with the Schwab user it belongs to and no token.
        let listed = try await world.grants(["list"])
        #expect(listed.status == 0, "\(listed.error)")
        let grant = try JSONValue.parse(String(try #require(listed.output.split(separator: "\n").first)))
        #expect(grant["client_id"]?.stringValue == signIn.clientId)
        let schwabUserId = try #require(grant["schwab_user_id"]?.stringValue)
        let grantId = try #require(grant["grant_id"]?.stringValue)
        #expect(!listed.output.contains(signIn.accessToken) && !listed.output.contains(signIn.refreshToken))

        // MCP through the router: initialize, then a tool call, on the object of that Schwab user.
        let session = try await world.initialize(token: signIn.accessToken)
        let status = try await world.mcp(
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"status","arguments":{}}}"#,
            token: signIn.accessToken, session: session,
            extra: [("X-Runtime-Props", "userId=mallory"), ("X-User-Id", "mallory"), ("Forwarded", "for=evil")])
        #expect(status.status == 200, "\(status.text)")
        #expect(status.text.contains("\"server\":\"schwab-mcp\""), "\(status.text)")
        let kv = KVClient(socketPath: world.kvSocket)
        let leases = try await kv.list(namespace: "OBJECTS", prefix: "lease:", limit: 100)
        let objects = leases.keys.map(\.name)
        #expect(objects == ["lease:5:MyMCP:\(schwabUserId.utf8.count):\(schwabUserId)"], "\(objects)")

        // The host reaches the sandbox as that user: the Schwab tokens the router stored at the
        // callback are read and decrypted there (the hosts have the same secrets).
        let accounts = try await world.mcp(
            #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"getAccountNumbers","arguments":{}}}"#,
            token: signIn.accessToken, session: session)
        #expect(accounts.status == 200 && accounts.text.contains("accountDisplay"), "\(accounts.text)")
        #expect(!accounts.text.contains("\"isError\":true"), "\(accounts.text)")

        // A read-only grant cannot call an order tool: 403 with the scope to ask for.
        let order = try await world.mcp(
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"place\u004frder","arguments":{}}}"#,
            token: signIn.accessToken, session: session)
        #expect(order.status == 403)
        let challenge = order.header("WWW-Authenticate") ?? ""
        #expect(challenge.contains("error=\"insufficient_scope\"") && challenge.contains("scope=\"read trade\""))

        // Revoked by the operator: the next request is 401, and the client must authorize again.
        let revoked = try await world.grants(["revoke", grantId])
        #expect(revoked.status == 0 && revoked.output.contains(grantId))
        let after = try await world.mcp(
            #"{"jsonrpc":"2.0","id":4,"method":"ping"}"#, token: signIn.accessToken, session: session)
        #expect(after.status == 401)
        #expect(try await world.grants(["revoke", grantId]).status == 1)
        #expect(try await world.grants(["drop"]).status == 2)
        #expect(try await world.grants(["list"]).output.isEmpty)

        let logs = world.logs
        for secret in signIn.secrets where secret.count >= 8 {
            #expect(!logs.contains(secret), "a secret of the sign-in reached a log line")
        }
    }

    @Test func aTokenForAnotherAudienceIsRefused() async throws {
        let world = try await OAuthStackWorld()
        defer { world.cleanUp() }
        let signIn = try await world.signIn(resource: world.issuer + "/sse", login: "blair")
        let refused = try await world.mcp(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#,
            token: signIn.accessToken)
        #expect(refused.status == 401)
        #expect(refused.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
        #expect(refused.text.contains(world.issuer + "/sse"))
        // The same token is good where it belongs (the legacy SSE transport's message path).
        let accepted = try await world.mcp(
            #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: signIn.accessToken, path: "/messages?sessionId=none")
        #expect(accepted.status != 401 && accepted.status != 403, "\(accepted.status) \(accepted.text)")
    }

    @Test func aDeadSchwabSignInRevokesTheUsersGrantsSoTheClientAuthorizesAgain() async throws {
        let world = try await OAuthStackWorld()
        defer { world.cleanUp() }
        let first = try await world.signIn(resource: world.issuer + "/mcp", login: "casey")
        let second = try await world.signIn(resource: world.issuer, login: "casey")
        let other = try await world.signIn(resource: world.issuer + "/mcp", login: "alex")
        let call =
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"getAccountNumbers","arguments":{}}}"#
        // Quotes not asked for before are in no cache: this call must reach Schwab.
        let quotes =
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"getQuotes","arguments":{"symbols":["AAPL"]}}}"#
        let session = try await world.initialize(token: first.accessToken)
        let before = try await world.mcp(call, token: first.accessToken, session: session)
        #expect(before.status == 200 && before.text.contains("accountDisplay"), "\(before.text)")

        try await world.expireSchwabSignIns()
        let after = try await world.mcp(quotes, token: first.accessToken, session: session)
        #expect(after.status == 200 && after.text.contains("\"isError\":true"), "\(after.text)")
        #expect(after.text.lowercased().contains("sign in"), "the message says to sign in again: \(after.text)")

        // Every grant of that Schwab user is gone; the other user's grant stays.
        #expect(
            await eventuallyAnswers {
                (try? await world.mcp(#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, token: first.accessToken))?
                    .status == 401
            })
        let challenge = try await world.mcp(#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, token: second.accessToken)
        #expect(challenge.status == 401 && challenge.header("WWW-Authenticate")?.hasPrefix("Bearer ") == true)
        let listed = try await world.grants(["list"]).output
        #expect(listed.split(separator: "\n").count == 1 && listed.contains(other.clientId), "\(listed)")
    }
}
