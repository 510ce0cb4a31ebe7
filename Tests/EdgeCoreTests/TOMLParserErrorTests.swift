import EdgeCore
import Testing

@Suite("TOML parser: errors name the line and column")
struct TOMLParserErrorTests {
    /// Each row: a document, the line and column of the error, and words its message must contain.
    static let cases: [(String, Int, Int, String)] = [
        ("a = 1\nb 2\n", 2, 3, "expected '=' after key"),
        ("a = 1\na = 2\n", 2, 1, "defined more than once"),
        ("[t]\nx = 1\n[t]\n", 3, 1, "table [t] is defined more than once"),
        ("[a]\nb.c = 1\n[a.b]\n", 3, 1, "defined more than once"),
        ("a = {x = 1}\n[a]\n", 2, 1, "already a value"),
        ("a = {x = 1}\na.y = 2\n", 2, 1, "cannot be extended"),
        ("[[a]]\n[a]\n", 2, 1, "already an array of tables"),
        ("a = [1]\n[[a]]\n", 2, 1, "not an array of tables"),
        ("[a.b]\nz = 1\n[a]\nb.y = 2\n", 4, 1, "cannot be extended"),
        ("s = \"abc\n", 1, 9, "cannot span lines"),
        ("s = \"abc", 1, 9, "unterminated string"),
        ("s = 'abc\n", 1, 9, "cannot span lines"),
        ("s = \"\"\"abc", 1, 11, "unterminated multi-line string"),
        ("s = \"bad \\q escape\"\n", 1, 10, "unknown escape sequence '\\q'"),
        ("s = \"\\u12\"\n", 1, 6, "needs 4 hexadecimal digits"),
        ("s = \"\\uD800\"\n", 1, 6, "not a Unicode scalar value"),
        ("n = 0123\n", 1, 5, "invalid value '0123'"),
        ("n = 1__0\n", 1, 5, "invalid value '1__0'"),
        ("n = _1\n", 1, 5, "invalid value '_1'"),
        ("n = 1.\n", 1, 5, "invalid value '1.'"),
        ("n = .5\n", 1, 5, "invalid value '.5'"),
        ("n = 9223372036854775808\n", 1, 5, "does not fit in 64 bits"),
        ("n = +0x10\n", 1, 5, "invalid value"),
        ("v = hello\n", 1, 5, "strings need quotes"),
        ("v = TRUE\n", 1, 5, "strings need quotes"),
        ("v =\n", 1, 4, "expected a value"),
        ("a = 1 b = 2\n", 1, 7, "expected a newline"),
        ("a = [1 2]\n", 1, 8, "expected ',' or ']'"),
        ("a = [1, 2\n", 2, 1, "unterminated array"),
        ("a = {x = 1,}\n", 1, 12, "trailing comma"),
        ("a = {x = 1\n}\n", 1, 11, "must stay on one line"),
        ("a = {x = 1, x = 2}\n", 1, 13, "defined more than once"),
        ("[a\nb = 1\n", 1, 3, "expected ']'"),
        ("[[a]\n", 1, 5, "expected ']]'"),
        ("= 1\n", 1, 1, "expected a key"),
        ("key = \"\"\"a\"\"\"\"\"\"\n", 1, 16, "too many quotes"),
        ("# comment with \u{07} bell\n", 1, 16, "control character"),
        ("s = \"tab\u{01}\"\n", 1, 9, "control character"),
        ("\"\"\"k\"\"\" = 1\n", 1, 1, "cannot be a multi-line string"),
        ("é = 1\nb = 2\n", 1, 1, "expected a key"),
        ("s = \"é\" x\n", 1, 9, "expected a newline"),
    ]

    @Test("bad input is rejected at the right spot", arguments: cases)
    func rejects(text: String, line: Int, column: Int, words: String) {
        do {
            let table = try TOMLParser.parse(text)
            Issue.record("expected an error, parsed \(table)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.message.contains(words), "message: \(error.message)")
            #expect(error.description.hasPrefix("line \(line), column \(column): "))
        }
    }

    @Test("nesting deeper than the limit is an error, not a crash")
    func deepNesting() {
        let text = "a = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        #expect(throws: TOMLError.self) { try TOMLParser.parse(text) }
    }
}
