import EdgeCore
import Foundation
import Testing

@Suite("JSON parser (RFC 8259)")
struct JSONParserTests {
    static let valid: [(String, JSONValue)] = [
        ("null", .null),
        ("true", .bool(true)),
        (" false ", .bool(false)),
        ("0", .int(0)),
        ("-0", .int(0)),
        ("42", .int(42)),
        ("-42", .int(-42)),
        ("9223372036854775807", .int(Int.max)),
        ("-9223372036854775808", .int(Int.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("1.5", .double(1.5)),
        ("-0.25", .double(-0.25)),
        ("1e3", .double(1000)),
        ("1E+2", .double(100)),
        ("2.5e-3", .double(0.0025)),
        ("1.0", .double(1.0)),
        (#""""#, .string("")),
        (#""hello""#, .string("hello")),
        (#""a\"b\\c\/d\be\ff\ng\rh\ti""#, .string("a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti")),
        (#""\u0041\u00e9\u20AC""#, .string("Aé€")),
        (#""\uD83D\uDE00 smile""#, .string("😀 smile")),
        (#""héllo wörld ✓""#, .string("héllo wörld ✓")),
        ("[]", .array([])),
        ("[1, \"two\", [3], {}]", .array([.int(1), .string("two"), .array([.int(3)]), .object([])])),
        ("{}", .object([])),
        (
            #"{"b": 1, "a": {"c": [true, null]}}"#,
            .object([("b", .int(1)), ("a", .object([("c", .array([.bool(true), .null]))]))])
        ),
        ("\n\t\r [ 1 ,\n 2 ] \n", .array([.int(1), .int(2)])),
        (
            #"{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{}}"#,
            ["jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": [:]]
        ),
    ]

    @Test("valid JSON parses to the expected value", arguments: valid)
    func parsesValid(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
        #expect(try JSONValue.parse(Array(text.utf8)) == expected)
    }

    /// Each row: malformed text, the error code, and the byte offset it must report.
    static let invalid: [(String, String, Int)] = [
        ("", "unexpectedEnd", 0),
        ("   ", "unexpectedEnd", 3),
        ("nul", "syntax", 0),
        ("truex", "trailingData", 4),
        ("[1,]", "syntax", 3),
        ("[1 2]", "syntax", 3),
        ("{\"a\" 1}", "syntax", 5),
        ("{\"a\":1,}", "syntax", 7),
        ("{a:1}", "syntax", 1),
        ("{\"a\":1", "unexpectedEnd", 6),
        ("[1", "unexpectedEnd", 2),
        ("01", "invalidNumber", 0),
        ("-", "unexpectedEnd", 1),
        ("-a", "invalidNumber", 1),
        ("1.", "invalidNumber", 2),
        ("1.e3", "invalidNumber", 2),
        ("1e", "invalidNumber", 2),
        ("+1", "syntax", 0),
        (".5", "syntax", 0),
        ("NaN", "syntax", 0),
        ("\"abc", "unexpectedEnd", 0),
        ("\"a\nb\"", "invalidString", 2),
        ("\"\\x\"", "invalidString", 1),
        ("\"\\u12\"", "invalidString", 1),
        ("\"\\uD800\"", "invalidString", 1),
        ("\"\\uD800\\u0041\"", "invalidString", 1),
        ("\"\\uDC00\"", "invalidString", 1),
        ("1e999", "invalidNumber", 0),
        ("[1] [2]", "trailingData", 4),
        ("// c\n1", "syntax", 0),
    ]

    @Test("malformed JSON is rejected with its code and offset", arguments: invalid)
    func rejectsInvalid(text: String, code: String, offset: Int) {
        do {
            let value = try JSONValue.parse(text)
            Issue.record("expected an error, parsed \(value)")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.offset == offset, "\(error)")
            #expect(error.description.hasPrefix("invalid JSON at byte \(offset): "))
        }
    }

    @Test("invalid UTF-8 inside a string is rejected")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
        let escaped: [UInt8] = Array(#""\n"#.utf8) + [0xFF, 0x22]
        #expect(throws: JSONParseError.self) { try JSONValue.parse(escaped) }
    }

    @Test("nesting past the limit is an error, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let ok = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(try JSONValue.parse(ok, maxDepth: 10) != .null)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(ok, maxDepth: 9) }
    }

    @Test("rendering then parsing gives back the same value")
    func roundTrip() throws {
        let value: JSONValue = [
            "text": "quote \" backslash \\ newline \n control \u{01} emoji 😀",
            "numbers": [0, -1, 1.5, 1e300, .int(Int.min)],
            "nested": ["empty": [:], "list": [], "null": nil, "flag": false],
        ]
        #expect(try JSONValue.parse(value.jsonText) == value)
        #expect(try JSONValue.parse(value.prettyJSONText) == value)
        #expect(try JSONValue.parse(Data(value.jsonText.utf8)) == value)
    }

    @Test("Foundation's JSON encoder output parses to the same members")
    func agreesWithFoundation() throws {
        let object: [String: Any] = ["a": 1, "b": [true, "x"], "c": ["d": 2.5], "e": NSNull(), "f": "ü\u{1F600}"]
        let data = try JSONSerialization.data(withJSONObject: object)
        let value = try JSONValue.parse(data)
        #expect(value["a"] == .int(1))
        #expect(value["b"] == [true, "x"])
        #expect(value["c"]?["d"] == .double(2.5))
        #expect(value["e"] == .null)
        #expect(value["f"] == .string("ü\u{1F600}"))
    }

    @Test("accessors read each kind and give nil for other kinds")
    func accessors() throws {
        let value = try JSONValue.parse(#"{"s":"x","i":3,"d":2.0,"b":true,"a":[1],"o":{"k":null}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.intValue == 3)
        #expect(value["d"]?.intValue == 2)
        #expect(value["d"]?.doubleValue == 2.0)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["a"]?[0] == .int(1))
        #expect(value["a"]?[1] == nil)
        #expect(value["o"]?.objectValue?.first?.0 == "k")
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["s"]?.intValue == nil)
        #expect(value["i"]?.stringValue == nil)
        #expect(value["b"]?.arrayValue == nil)
        #expect(value.objectValue?.count == 6)
    }
}
