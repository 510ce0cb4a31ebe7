import MCP
import Testing

@Suite("StdioLineSplitter: newline-delimited messages at any split")
struct StdioLineSplitterTests {
    static let cases: [(input: String, lines: [StdioLineSplitter.Line])] = [
        ("{\"a\":1}\n", [.message(Array("{\"a\":1}".utf8))]),
        ("{\"a\":1}\r\n{\"b\":2}\n", [.message(Array("{\"a\":1}".utf8)), .message(Array("{\"b\":2}".utf8))]),
        ("\n\n  \n{}\n", [.message(Array("{}".utf8))]),
        ("{}\n[1]", [.message(Array("{}".utf8)), .message(Array("[1]".utf8))]),
        ("0123456789ABCDEF\n{}\n", [.tooLong, .message(Array("{}".utf8))]),
        ("0123456789ABCDEF0123456789\n{}\n", [.tooLong, .message(Array("{}".utf8))]),
        ("0123456789ABCDEF", [.tooLong]),
    ]

    @Test("every split of the input gives the same lines", arguments: cases)
    func everySplit(input: String, lines expected: [StdioLineSplitter.Line]) {
        let bytes = Array(input.utf8)
        for cut in 0...bytes.count {
            var splitter = StdioLineSplitter(maxLineBytes: 10)
            var lines = splitter.feed(bytes[..<cut]) + splitter.feed(bytes[cut...])
            if let last = splitter.finish() { lines.append(last) }
            #expect(lines == expected, "split at \(cut)")
        }
    }

    @Test("byte by byte, an oversized line is reported once and the splitter recovers")
    func byteByByte() {
        var splitter = StdioLineSplitter(maxLineBytes: 4)
        var lines: [StdioLineSplitter.Line] = []
        for byte in Array("abcdefgh\nok\n".utf8) { lines += splitter.feed([byte]) }
        #expect(lines == [.tooLong, .message(Array("ok".utf8))])
        #expect(splitter.finish() == nil)
    }
}
