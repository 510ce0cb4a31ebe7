import Testing

@testable import EdgeHTTP

@Suite struct ServerSentEventTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func allFields() {
        let event = ServerSentEvent(id: "42", event: "message", data: "{\"a\":1}", retry: 3000)
        #expect(text(event.encoded) == "event: message\nid: 42\nretry: 3000\ndata: {\"a\":1}\n\n")
    }

    @Test(arguments: [
        ("one", "data: one\n\n"), ("a\nb", "data: a\ndata: b\n\n"), ("a\r\nb\rc", "data: a\ndata: b\ndata: c\n\n"),
        ("", "data: \n\n"), ("end\n", "data: end\ndata: \n\n"), (" lead", "data:  lead\n\n"),
    ])
    func dataIsSplitIntoLines(data: String, expected: String) {
        #expect(text(ServerSentEvent(data: data).encoded) == expected)
    }

    @Test func idAndEventCannotBreakTheFraming() {
        let event = ServerSentEvent(id: "1\n\ndata: x\0", event: "a\r\nb", data: "d")
        #expect(text(event.encoded) == "event: ab\nid: 1data: x\ndata: d\n\n")
    }

    @Test func commentsForHeartbeats() {
        #expect(text(ServerSentEvent.comment("ping")) == ": ping\n\n")
        #expect(text(ServerSentEvent.comment("a\nb")) == ": a\n: b\n\n")
        #expect(text(ServerSentEvent.comment("")) == ":\n\n")
    }
}
