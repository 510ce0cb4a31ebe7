import EdgeCore
import Testing

@testable import MCP

@Suite("JSON-RPC codec")
struct JSONRPCCodecTests {
    @Test(
        "malformed bodies get the right error code",
        arguments: [
            ("", -32700),
            ("{", -32700),
            ("{\"jsonrpc\":\"2.0\",\"method\":\"x\"", -32700),
            ("not json", -32700),
            ("[]", -32600),
            ("42", -32600),
            ("\"text\"", -32600),
            ("null", -32600),
            ("{}", -32600),
            ("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", -32600),
            ("{\"id\":1,\"method\":\"ping\"}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"result\":{}}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"result\":{}}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\",\"message\":\"m\"}}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":1}", -32600),
        ])
    func malformed(body: String, code: Int) {
        #expect(throws: JSONRPCError.self) { try JSONRPCMessage.decodeBody(Array(body.utf8)) }
        do {
            _ = try JSONRPCMessage.decodeBody(Array(body.utf8))
        } catch {
            #expect(error.code == code, "\(body) -> \(error.message)")
        }
    }

    @Test("an invalid request keeps the id it could read, so the error can be matched")
    func invalidKeepsID() {
        do {
            _ = try JSONRPCMessage.decodeBody(Array("{\"jsonrpc\":\"2.0\",\"id\":\"a7\",\"method\":7}".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.id == .string("a7"))
            #expect(error.response.json["id"] == .string("a7"))
        }
    }

    @Test(
        "each kind of message decodes and ids are kept exactly",
        arguments: [
            (
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                JSONRPCMessage.request(id: .number(1), method: "ping", params: nil)
            ),
            (
                "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\",\"params\":{}}",
                .request(id: .string("1"), method: "ping", params: .object([]))
            ),
            (
                "{\"jsonrpc\":\"2.0\",\"id\":-9007199254740991,\"method\":\"a\"}",
                .request(id: .number(-9_007_199_254_740_991), method: "a", params: nil)
            ),
            (
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                .notification(method: "notifications/initialized", params: nil)
            ),
            (
                "{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"result\":{\"action\":\"accept\"}}",
                .result(id: .string("s-1"), result: ["action": "accept"])
            ),
            (
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-1,\"message\":\"no\",\"data\":[1]}}",
                .error(id: .number(3), JSONRPCError(code: -1, message: "no", data: [1], id: .number(3)))
            ),
        ])
    func decodes(body: String, expected: JSONRPCMessage) throws {
        let decoded = try JSONRPCMessage.decodeBody(Array(body.utf8))
        #expect(decoded == .single(expected))
        // Encoding and decoding again is the identity.
        #expect(try JSONRPCMessage.decodeBody(expected.bytes) == .single(expected))
    }

    @Test("a batch keeps each element's own outcome")
    func batch() throws {
        let body = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},5,{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]"
        guard case .batch(let items) = try JSONRPCMessage.decodeBody(Array(body.utf8)) else {
            Issue.record("not a batch")
            return
        }
        #expect(items.count == 3)
        #expect(try items[0].get() == .request(id: .number(1), method: "ping", params: nil))
        #expect(throws: JSONRPCError.self) { try items[1].get() }
        #expect(try items[2].get() == .notification(method: "n", params: nil))
    }

    @Test("responses render with jsonrpc, id and result or error; an unknown id is null")
    func encoding() {
        #expect(
            JSONRPCMessage.result(id: .string("x"), result: [:]).json.jsonText
                == "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}")
        #expect(
            JSONRPCError.parseError("bad").response.json.jsonText
                == "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error: bad\"}}")
    }

    static let samples = [
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"h\\u00e9\"}}}",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32000,\"message\":\"x\",\"data\":null}}",
    ]

    @Test(
        "every truncation and thousands of seeded byte mutations end in a message or a -32700/-32600 error",
        arguments: samples)
    func robustness(sample: String) {
        let bytes = Array(sample.utf8)
        func check(_ input: [UInt8]) {
            do {
                _ = try JSONRPCMessage.decodeBody(input)
            } catch {
                #expect(error.code == -32700 || error.code == -32600, "\(error.code) for \(input)")
                #expect(!error.message.isEmpty)
            }
        }
        for cut in 0..<bytes.count { check(Array(bytes[..<cut])) }
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(bytes.count)
        func next() -> Int {
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            return Int(truncatingIfNeeded: seed & 0x7FFF_FFFF)
        }
        let alphabet = Array("{}[]\",:0123456789-.eEtrufalsn\\ \u{00}\u{7F}".utf8) + [0xC3, 0xFF]
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0...(next() % 3) {
                let position = next() % mutated.count
                switch next() % 3 {
                case 0: mutated[position] = alphabet[next() % alphabet.count]
                case 1: mutated.remove(at: position)
                default: mutated.insert(alphabet[next() % alphabet.count], at: position)
                }
                if mutated.isEmpty { break }
            }
            check(mutated)
        }
    }
}
