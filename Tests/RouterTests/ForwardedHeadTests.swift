import EdgeHTTP
import EdgeRuntime
import Testing

@testable import Router

@Suite struct ForwardedHeadTests {
    func request(_ fields: [(String, String)], body: [UInt8] = []) -> HTTPRequest {
        HTTPRequest(
            head: HTTPRequestHead(method: .post, target: "/mcp?x=1", headers: HTTPHeaders(fields)), body: body,
            remoteAddress: "127.0.0.1:5555")
    }

    @Test func hopByHopFieldsAndTheFieldsConnectionNamesStayBehind() {
        let head = ForwardedHead.request(
            request(
                [
                    ("Host", "example"), ("Connection", "keep-alive, X-Secret-Hop"), ("Keep-Alive", "timeout=5"),
                    ("X-Secret-Hop", "1"), ("TE", "trailers"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"),
                    ("Proxy-Connection", "keep-alive"), ("Trailer", "X"), ("Accept", "text/event-stream"),
                ]),
            objectClass: "MyMCP", objectID: "local", props: ["userId": "local"])
        #expect(head.head.headers.fields.map(\.name) == ["Host", "Accept"])
        #expect(head.head.target == "/mcp?x=1")
        #expect(head.objectClass == "MyMCP")
        #expect(head.objectID == "local")
        #expect(head.props == ["userId": "local"])
        #expect(head.remoteAddress == "127.0.0.1:5555")
    }

    @Test func aClientCannotPoseAsTheRouterOrLeakCredentialsToAHost() {
        let head = ForwardedHead.request(
            request([
                ("Authorization", "Bearer secret-token"), ("Proxy-Authorization", "Basic eA=="),
                ("X-Runtime-Props", "userId=admin"), ("x-runtime-object-id", "someone-else"), ("Accept", "*/*"),
            ]),
            objectClass: "MyMCP", objectID: "local", props: ["userId": "local"])
        #expect(head.head.headers.fields.map(\.name) == ["Accept"])
        #expect(head.props == ["userId": "local"], "props come from the router's identity only")
        #expect(head.objectID == "local")
    }

    @Test func contentLengthIsRecomputedForTheCollectedBody() {
        let head = ForwardedHead.request(
            request([("Content-Length", "999"), ("Transfer-Encoding", "chunked")], body: Array("hello".utf8)),
            objectClass: "C", objectID: "i", props: [:])
        #expect(head.head.headers.values("Content-Length") == ["5"])
        let empty = ForwardedHead.request(
            request([("Content-Length", "0")]), objectClass: "C", objectID: "i", props: [:])
        #expect(!empty.head.headers.contains("Content-Length"))
    }

    @Test func aResponseLosesItsFramingAndHopByHopFields() {
        let kept = ForwardedHead.response(
            HTTPHeaders([
                ("Content-Type", "text/event-stream"), ("Content-Length", "12"), ("Transfer-Encoding", "chunked"),
                ("Connection", "close, X-Private"), ("X-Private", "1"), ("Cache-Control", "no-cache"),
                ("Mcp-Session-Id", "abc"),
            ]))
        #expect(kept.fields.map(\.name) == ["Content-Type", "Cache-Control", "Mcp-Session-Id"])
    }

    @Test func fieldsThatVouchForAUserOrAnOriginStayBehind() {
        let head = ForwardedHead.request(
            request([
                ("Forwarded", "for=1.2.3.4"), ("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-Host", "evil"),
                ("X-Forwarded-Proto", "https"), ("X-Real-IP", "1.2.3.4"), ("X-Remote-User", "admin"),
                ("X-User-Id", "someone"), ("Remote-User", "admin"), ("X-Forwarded-User", "admin"),
                ("Mcp-Session-Id", "s1"), ("Accept", "*/*"),
            ]),
            objectClass: "MyMCP", objectID: "u1", props: ["userId": "u1", "authMode": "oauth"])
        #expect(head.head.headers.fields.map(\.name) == ["Mcp-Session-Id", "Accept"])
        #expect(head.props == ["userId": "u1", "authMode": "oauth"])
    }
}
