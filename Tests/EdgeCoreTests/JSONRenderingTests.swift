import EdgeCore
import Testing

@Suite("JSON rendering (RFC 8259 §7 escapes)")
struct JSONRenderingTests {
    static let rows: [(JSONValue, String)] = [
        (nil, "null"),
        (true, "true"),
        (-12, "-12"),
        (2.5, "2.5"),
        (.double(3), "3"),
        (.double(.nan), "null"),
        (.double(.infinity), "null"),
        ("plain", #""plain""#),
        ("q\"b\\s/", #""q\"b\\s/""#),
        ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{01}\u{1F}x", #""\u0001\u001fx""#),
        ("é😀", "\"é😀\""),
        (["a": [1, "x"], "b": [:]], #"{"a":[1,"x"],"b":{}}"#),
        (["k\"ey": []], #"{"k\"ey":[]}"#),
    ]

    @Test("values render to the exact compact text", arguments: rows)
    func renders(value: JSONValue, expected: String) {
        #expect(value.jsonText == expected)
        #expect(value.jsonBytes == Array(expected.utf8))
        var appended = "prefix:"
        value.write(to: &appended)
        #expect(appended == "prefix:" + expected)
    }
}
