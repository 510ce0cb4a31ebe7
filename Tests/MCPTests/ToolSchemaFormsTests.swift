import EdgeCore
import Testing

@testable import MCP

@Suite("Tool schemas: other accepted forms")
struct ToolSchemaFormsTests {
    static let schema = ToolSchema([
        ToolParameter(
            "symbols",
            .array(of: .string(minLength: 1, maxLength: 8), minItems: 1, maxItems: 3).accepting(.commaSeparated)),
        ToolParameter(
            "types", .array(of: .string(enum: ["TRADE", "JOURNAL"])).accepting(.commaSeparated),
            required: false),
        ToolParameter.integer("count", required: false, minimum: 1, maximum: 50).accepting(.numericString),
        ToolParameter.number("price", required: false, minimum: 0).accepting(.numericString),
        ToolParameter.boolean("quote", required: false).accepting(.booleanString),
        ToolParameter.string("sort", required: false, enum: ["PERCENT_CHANGE_UP", "VOLUME"]).accepting(
            .aliases([("up", "PERCENT_CHANGE_UP")], description: "The original's name.")),
    ])

    static let accepted: [(JSONValue, String, JSONValue)] = [
        (["symbols": ["AAPL"]], "symbols", ["AAPL"]),
        (["symbols": "AAPL"], "symbols", ["AAPL"]),
        (["symbols": "AAPL,MSFT"], "symbols", ["AAPL", "MSFT"]),
        (["symbols": " AAPL , MSFT ,"], "symbols", ["AAPL", "MSFT"]),
        (["symbols": "A", "types": "TRADE, JOURNAL"], "types", ["TRADE", "JOURNAL"]),
        (["symbols": "A", "types": "JOURNAL"], "types", ["JOURNAL"]),
        (["symbols": "A", "count": "12"], "count", 12),
        (["symbols": "A", "count": " 12 "], "count", 12),
        (["symbols": "A", "count": 12], "count", 12),
        (["symbols": "A", "price": "2.5"], "price", 2.5),
        (["symbols": "A", "price": "3"], "price", 3),
        (["symbols": "A", "price": ".5"], "price", 0.5),
        (["symbols": "A", "price": "+7."], "price", 7.0),
        (["symbols": "A", "quote": "TRUE"], "quote", true),
        (["symbols": "A", "quote": "false"], "quote", false),
        (["symbols": "A", "sort": "up"], "sort", "PERCENT_CHANGE_UP"),
        (["symbols": "A", "sort": "UP"], "sort", "PERCENT_CHANGE_UP"),
        (["symbols": "A", "sort": "VOLUME"], "sort", "VOLUME"),
    ]

    @Test("each other form is validated in the schema's own form", arguments: accepted)
    func accepts(arguments: JSONValue, field: String, expected: JSONValue) throws {
        let validated = try Self.schema.validate(arguments).get()
        #expect(validated[field] == expected)
    }

    static let refused: [(JSONValue, String)] = [
        (
            ["symbols": ""],
            "symbols: expected an array of 1 to 3 items of a string of 1 to 8 characters, or a comma-separated "
                + "string, received \"\""
        ),
        (
            ["symbols": "A,B,C,D"],
            "symbols: expected an array of 1 to 3 items of a string of 1 to 8 characters, or a comma-separated "
                + "string, received \"A,B,C,D\""
        ),
        (
            ["symbols": "A", "types": "TRADE,FOO"],
            "types[1]: expected one of \"TRADE\", \"JOURNAL\", received \"FOO\""
        ),
        (
            ["symbols": "A", "count": "twelve"],
            "count: expected an integer from 1 to 50, or its decimal text, received \"twelve\""
        ),
        (
            ["symbols": "A", "count": "99"],
            "count: expected an integer from 1 to 50, or its decimal text, received \"99\""
        ),
        (
            ["symbols": "A", "count": "1.5"],
            "count: expected an integer from 1 to 50, or its decimal text, received \"1.5\""
        ),
        (
            ["symbols": "A", "price": "-1"],
            "price: expected a number of at least 0, or its decimal text, received \"-1\""
        ),
        (
            ["symbols": "A", "price": "nan"],
            "price: expected a number of at least 0, or its decimal text, received \"nan\""
        ),
        (
            ["symbols": "A", "price": "1e3"],
            "price: expected a number of at least 0, or its decimal text, received \"1e3\""
        ),
        (
            ["symbols": "A", "quote": "yes"],
            "quote: expected a boolean (true or false), or \"true\" or \"false\", received \"yes\""
        ),
        (
            ["symbols": "A", "sort": "down"],
            "sort: expected one of \"PERCENT_CHANGE_UP\", \"VOLUME\", or one of \"up\", received \"down\""
        ),
    ]

    @Test("a refusal names the parameter, every accepted form and what the caller sent", arguments: refused)
    func refuses(arguments: JSONValue, message: String) {
        switch Self.schema.validate(arguments) {
        case .success(let validated): Issue.record("accepted \(validated.json.jsonText)")
        case .failure(let error): #expect(error.problems == [message])
        }
    }

    @Test("the JSON Schema shows each accepted form in anyOf, with the description and default outside it")
    func advertised() throws {
        let symbols = ToolParameter(
            "symbols",
            .array(of: .string(enum: ["$SPX", "AAPL"]), description: "Symbols.").accepting(.commaSeparated),
            default: ["AAPL"])
        let schema = try #require(ToolSchema([symbols]).jsonSchema["properties"]?["symbols"])
        #expect(schema["description"] == "Symbols.")
        #expect(schema["default"] == ["AAPL"])
        #expect(schema["type"] == nil)
        let branches = try #require(schema["anyOf"]?.arrayValue)
        #expect(branches.count == 2)
        #expect(branches[0].jsonText == #"{"type":"array","items":{"type":"string","enum":["$SPX","AAPL"]}}"#)
        #expect(branches[1]["type"] == "string")
        let pattern = try #require(branches[1]["pattern"]?.stringValue)
        let regex = try Regex(pattern)
        #expect((try? regex.wholeMatch(in: "$SPX, AAPL")) != nil)
        #expect((try? regex.wholeMatch(in: ",AAPL,, $SPX ,")) != nil)
        #expect((try? regex.wholeMatch(in: "AAPL,MSFT")) == nil)
        #expect((try? regex.wholeMatch(in: "AAPL $SPX")) == nil)
        #expect((try? regex.wholeMatch(in: " , ")) == nil)
        let sort = ToolSchema([
            .string("sort", enum: ["PERCENT_CHANGE_UP"]).accepting(
                .aliases([("up", "PERCENT_CHANGE_UP")], description: "Old."))
        ]).jsonSchema
        #expect(sort["properties"]?["sort"]?["anyOf"]?[1] == ["type": "string", "enum": ["up"], "description": "Old."])
        let count = ToolSchema([.integer("count").accepting(.numericString)]).jsonSchema
        #expect(count["properties"]?["count"]?["anyOf"]?[0] == ["type": "integer"])
        #expect(count["properties"]?["count"]?["anyOf"]?[1]?["type"] == "string")
    }

    @Test("a parameter without other forms keeps its plain schema and its strict refusals")
    func strictStaysStrict() {
        let plain = ToolSchema([.integer("count")])
        #expect(plain.jsonSchema["properties"]?["count"] == ["type": "integer"])
        guard case .failure(let error) = plain.validate(["count": "5"]) else {
            Issue.record("accepted a string for a plain integer")
            return
        }
        #expect(error.problems == ["count: expected an integer, received \"5\""])
    }
}
