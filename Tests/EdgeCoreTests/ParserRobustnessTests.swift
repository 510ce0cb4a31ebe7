import EdgeCore
import Foundation
import TestSupport
import Testing

/// A small deterministic generator (SplitMix64), so mutated inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Parsers cut at every byte and mutated")
struct ParserRobustnessTests {
    static let document = #"""
        {"jsonrpc":"2.0","id":12,"result":{"content":[{"type":"text","text":"Quote \"AAPL\": 190.5 \u00e9 \ud83d\ude00"}],
         "isError":false,"meta":{"n":-1.5e-3,"list":[true,null,0,[]]}}}
        """#

    @Test("every proper prefix of a JSON object is an error; the whole parses")
    func jsonPrefixes() throws {
        let bytes = Array(Self.document.utf8)
        for cut in 0..<bytes.count {
            do {
                let value = try JSONValue.parse(bytes[0..<cut])
                Issue.record("prefix of \(cut) bytes parsed as \(value)")
            } catch {
                #expect(error.offset <= cut)
            }
        }
        let whole = try JSONValue.parse(bytes)
        #expect(whole["result"]?["content"]?[0]?["text"] == "Quote \"AAPL\": 190.5 é 😀")
    }

    @Test("mutated JSON either parses or fails with an offset inside the input")
    func jsonMutations() {
        var generator = SeededGenerator(state: 42)
        let original = Array(Self.document.utf8)
        let alphabet = Array(#"{}[]",:\u0123456789eE+-.tfnrl "#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = alphabet.randomElement(using: &generator)!
            }
            do {
                let value = try JSONValue.parse(bytes)
                #expect(try JSONValue.parse(value.jsonText) == value)
            } catch {
                #expect(error.offset <= bytes.count)
            }
        }
    }

    @Test("every prefix of wrangler.toml parses or names a line and column inside it")
    func tomlPrefixes() throws {
        let text = try String(contentsOfFile: TestSupport.packageRoot.path + "/wrangler.toml", encoding: .utf8)
        let bytes = Array(text.utf8)
        let lineCount = bytes.filter { $0 == 0x0A }.count + 1
        var parsed = 0
        for cut in 0...bytes.count {
            do {
                _ = try TOMLParser.parse(bytes: Array(bytes[0..<cut]))
                parsed += 1
            } catch {
                #expect((1...lineCount).contains(error.line))
                #expect(error.column >= 1)
            }
        }
        #expect(parsed > 0)
    }

    @Test("mutated TOML either parses or fails with a position inside the input")
    func tomlMutations() throws {
        let text = try String(contentsOfFile: TestSupport.packageRoot.path + "/wrangler.toml", encoding: .utf8)
        let original = Array(text.utf8)
        let lineCount = original.filter { $0 == 0x0A }.count + 1
        var generator = SeededGenerator(state: 7)
        let alphabet = Array("[]{}=\"'.,#\n\r\t \\u0_xob+-:eEinf".utf8) + [0x00, 0x7F, 0xC3]
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            }
            do {
                _ = try TOMLParser.parse(bytes: bytes)
            } catch {
                #expect(error.line >= 1 && error.line <= lineCount + 1)
                #expect(error.column >= 1)
            }
        }
    }
}
