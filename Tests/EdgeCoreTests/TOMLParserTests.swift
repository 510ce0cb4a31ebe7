import EdgeCore
import Foundation
import TestSupport
import Testing

@Suite("TOML parser: values")
struct TOMLParserValueTests {
    /// Each row: the text after `v = `, and the value it must produce.
    static let values: [(String, TOMLValue)] = [
        ("42", .integer(42)),
        ("+17", .integer(17)),
        ("-17", .integer(-17)),
        ("0", .integer(0)),
        ("1_000_000", .integer(1_000_000)),
        ("0xDEAD_beef", .integer(0xDEAD_BEEF)),
        ("0o755", .integer(0o755)),
        ("0b1101", .integer(13)),
        ("9223372036854775807", .integer(Int.max)),
        ("-9223372036854775808", .integer(Int.min)),
        ("3.14", .float(3.14)),
        ("-0.5", .float(-0.5)),
        ("5e+22", .float(5e22)),
        ("1e06", .float(1e6)),
        ("-2E-2", .float(-0.02)),
        ("6.626e-34", .float(6.626e-34)),
        ("224_617.445_991", .float(224617.445991)),
        ("inf", .float(.infinity)),
        ("+inf", .float(.infinity)),
        ("-inf", .float(-.infinity)),
        ("true", .boolean(true)),
        ("false", .boolean(false)),
        ("1979-05-27T07:32:00Z", .datetime("1979-05-27T07:32:00Z")),
        ("1979-05-27 07:32:00-07:00", .datetime("1979-05-27 07:32:00-07:00")),
        ("1979-05-27T00:32:00.999999", .datetime("1979-05-27T00:32:00.999999")),
        ("1979-05-27", .datetime("1979-05-27")),
        ("07:32:00", .datetime("07:32:00")),
        (#""plain""#, .string("plain")),
        (#""tab\tquote\"back\\slash""#, .string("tab\tquote\"back\\slash")),
        (#""\b\f\n\r""#, .string("\u{08}\u{0C}\n\r")),
        (#""\u00e9\U0001F600""#, .string("é😀")),
        ("'C:\\Users\\nodejs'", .string("C:\\Users\\nodejs")),
        ("'<\\i\\c*\\s*>'", .string("<\\i\\c*\\s*>")),
        ("\"\"\"\nRoses\nViolets\"\"\"", .string("Roses\nViolets")),
        ("\"\"\"\nThe quick \\\n\n   brown \\\n   fox.\"\"\"", .string("The quick brown fox.")),
        ("\"\"\"Here are two quotes: \"\". \"\"\"\"\"", .string("Here are two quotes: \"\". \"\"")),
        ("'''\nfirst\n  second \\n'''", .string("first\n  second \\n")),
        ("''''That,' she said'''", .string("'That,' she said")),
        ("[1, 2, 3]", .array([.integer(1), .integer(2), .integer(3)])),
        ("[]", .array([])),
        ("[ \"a\", 'b', ]", .array([.string("a"), .string("b")])),
        ("[\n  1, # one\n  2, # two\n]", .array([.integer(1), .integer(2)])),
        ("[[1, 2], [\"x\"], 1.5]", .array([.array([.integer(1), .integer(2)]), .array([.string("x")]), .float(1.5)])),
        ("{ x = 1, y = \"two\" }", .table(TOMLTable([("x", .integer(1)), ("y", .string("two"))]))),
        ("{}", .table(TOMLTable())),
        (
            "{ a.b = 1, a.c = 2 }",
            .table(TOMLTable([("a", .table(TOMLTable([("b", .integer(1)), ("c", .integer(2))])))]))
        ),
        (
            "[{ from = \"A\", to = \"B\" }]",
            .array([.table(TOMLTable([("from", .string("A")), ("to", .string("B"))]))])
        ),
    ]

    @Test("a value parses to the expected tree", arguments: values)
    func parsesValue(text: String, expected: TOMLValue) throws {
        let table = try TOMLParser.parse("v = \(text)\n")
        #expect(table["v"] == expected)
        #expect(table.keys == ["v"])
    }

    @Test("nan is a float that is not a number")
    func parsesNaN() throws {
        let table = try TOMLParser.parse("a = nan\nb = -nan\n")
        #expect(table["a"]?.doubleValue?.isNaN == true)
        #expect(table["b"]?.doubleValue?.isNaN == true)
    }

    @Test("CRLF line endings work like LF")
    func crlf() throws {
        let table = try TOMLParser.parse("a = 1\r\n# c\r\n[t]\r\nb = '''x\r\ny'''\r\n")
        #expect(table["a"] == .integer(1))
        #expect(table.value(at: ["t", "b"]) == .string("x\r\ny"))
    }
}

@Suite("TOML parser: document structure")
struct TOMLParserStructureTests {
    @Test("the committed wrangler.toml parses with every section in order")
    func committedWranglerFile() throws {
        let text = try String(contentsOfFile: TestSupport.packageRoot.path + "/wrangler.toml", encoding: .utf8)
        let table = try TOMLParser.parse(text)
        #expect(table.keys.first == "name")
        #expect(table["name"] == .string("schwab-mcp"))
        #expect(table.value(at: ["vars", "LOG_LEVEL"]) != nil)
        #expect(table["kv_namespaces"]?.arrayValue?.first?.tableValue?["binding"] == .string("OAUTH_KV"))
        let objects = table.value(at: ["durable_objects", "bindings"])?.arrayValue
        #expect(objects?.first?.tableValue?["class_name"] == .string("MyMCP"))
        #expect(table.value(at: ["runtime", "port"])?.intValue != nil)
    }

    @Test("tables, dotted keys, quoted keys and arrays of tables build one tree")
    func structure() throws {
        let text = """
            # top comment
            title = "t"   # trailing comment
            site."google.com" = true
            "quoted key" = 1
            'literal key' = 2
            a.b.c = 3
            a.b.d = 4

            [server]
            host = "x"
            [server.tls]
            on = false

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits]]
            name = "banana"

            [x.y.z.w]
            [x]
            k = 1
            """
        let table = try TOMLParser.parse(text)
        #expect(table.keys == ["title", "site", "quoted key", "literal key", "a", "server", "fruits", "x"])
        #expect(table.value(at: ["site", "google.com"]) == .boolean(true))
        #expect(table.value(at: ["a", "b", "c"]) == .integer(3))
        #expect(table.value(at: ["a", "b", "d"]) == .integer(4))
        #expect(table.value(at: ["server", "tls", "on"]) == .boolean(false))
        let fruits = table["fruits"]?.arrayValue ?? []
        #expect(fruits.count == 2)
        #expect(fruits.first?.tableValue?.value(at: ["physical", "color"]) == .string("red"))
        #expect(fruits.first?.tableValue?["varieties"]?.arrayValue?.count == 1)
        #expect(fruits.last?.tableValue?["name"] == .string("banana"))
        #expect(table.value(at: ["x", "k"]) == .integer(1))
        #expect(table.value(at: ["x", "y", "z", "w"]) == .table(TOMLTable()))
    }

    @Test("a table defined by dotted keys may still get sub-tables by header")
    func subTableOfDottedTable() throws {
        let table = try TOMLParser.parse("[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n")
        #expect(table.value(at: ["fruit", "apple", "color"]) == .string("red"))
        #expect(table.value(at: ["fruit", "apple", "texture", "smooth"]) == .boolean(true))
    }

    @Test("invalid UTF-8 bytes are rejected with their position")
    func invalidUTF8() {
        var bytes = Array("a = \"ok\"\nb = \"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"\n".utf8)
        #expect(throws: TOMLError(code: "encoding", line: 2, column: 6, message: "the text is not valid UTF-8")) {
            try TOMLParser.parse(bytes: bytes)
        }
    }
}
