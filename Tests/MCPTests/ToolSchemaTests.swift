import EdgeCore
import Testing

@testable import MCP

@Suite("Tool schemas: generation and validation")
struct ToolSchemaTests {
    static let order = ToolSchema([
        .string("symbol", description: "Ticker", minLength: 1, maxLength: 12),
        .string("side", enum: ["BUY", "SELL"]),
        .integer("quantity", minimum: 1, maximum: 1000),
        .number("limit", required: false, minimum: 0.01),
        .boolean("preview", default: true),
        .array("tags", of: .string(pattern: "^[a-z]+$"), required: false, minItems: 1, maxItems: 2),
        .object("leg", [.string("cusip", minLength: 9, maxLength: 9)], required: false),
        .string("date", required: false, format: "date"),
    ])

    @Test("a tool without parameters gets a closed empty object")
    func noArguments() {
        #expect(ToolSchema().jsonSchema.jsonText == "{\"type\":\"object\",\"additionalProperties\":false}")
    }

    @Test("the JSON Schema carries types, required, enums, bounds, arrays, descriptions and defaults")
    func generation() throws {
        let schema = Self.order.jsonSchema
        #expect(schema["type"] == "object")
        #expect(schema["required"] == ["symbol", "side", "quantity"])
        #expect(schema["additionalProperties"] == false)
        let properties = try #require(schema["properties"])
        #expect(
            properties["symbol"]?.jsonText
                == "{\"type\":\"string\",\"description\":\"Ticker\",\"minLength\":1,\"maxLength\":12}")
        #expect(properties["side"]?["enum"] == ["BUY", "SELL"])
        #expect(properties["quantity"]?.jsonText == "{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000}")
        #expect(properties["limit"]?["minimum"] == .double(0.01))
        #expect(properties["preview"]?.jsonText == "{\"type\":\"boolean\",\"default\":true}")
        #expect(
            properties["tags"]?.jsonText
                == "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},\"minItems\":1,\"maxItems\":2}"
        )
        #expect(properties["leg"]?["required"] == ["cusip"])
        #expect(properties["leg"]?["additionalProperties"] == false)
        #expect(properties["date"]?["format"] == "date")
    }

    static let valid: JSONValue = ["symbol": "AAPL", "side": "BUY", "quantity": 5]

    static let refusals: [(String, JSONValue, String)] = [
        ("symbol", .int(42), "symbol: expected a string of 1 to 12 characters, received 42"),
        ("symbol", "", "symbol: expected a string of 1 to 12 characters, received \"\""),
        ("symbol", "ABCDEFGHIJKLMN", "symbol: expected a string of 1 to 12 characters, received \"ABCDEFGHIJKLMN\""),
        ("side", "HOLD", "side: expected one of \"BUY\", \"SELL\", received \"HOLD\""),
        ("quantity", 0, "quantity: expected an integer from 1 to 1000, received 0"),
        ("quantity", 1001, "quantity: expected an integer from 1 to 1000, received 1001"),
        ("quantity", 2.5, "quantity: expected an integer from 1 to 1000, received 2.5"),
        ("quantity", "5", "quantity: expected an integer from 1 to 1000, received \"5\""),
        ("limit", 0, "limit: expected a number of at least 0.01, received 0"),
        ("preview", "yes", "preview: expected a boolean (true or false), received \"yes\""),
        ("tags", [], "tags: expected an array of 1 to 2 items of a string matching /^[a-z]+$/, received []"),
        (
            "tags", ["a", "b", "c"],
            "tags: expected an array of 1 to 2 items of a string matching /^[a-z]+$/, received [\"a\",\"b\",\"c\"]"
        ),
        ("tags", ["ok", "Not"], "tags[1]: expected a string matching /^[a-z]+$/, received \"Not\""),
        ("leg", ["cusip": "short"], "leg.cusip: expected a string of 9 to 9 characters, received \"short\""),
        ("leg", 3, "leg: expected an object with cusip, received 3"),
        (
            "extra", 1,
            "extra: unexpected parameter; expected one of: symbol, side, quantity, limit, preview, tags, leg, date"
        ),
    ]

    @Test("each constraint refuses with the field, the expectation and the value", arguments: refusals)
    func refuses(field: String, value: JSONValue, message: String) {
        guard case .object(var members) = Self.valid else { return }
        members.removeAll { $0.0 == field }
        members.append((field, value))
        switch Self.order.validate(.object(members)) {
        case .success: Issue.record("accepted \(field)=\(value.jsonText)")
        case .failure(let error): #expect(error.problems == [message])
        }
    }

    @Test("missing required fields are each named; defaults are filled in")
    func requiredAndDefaults() throws {
        guard case .failure(let error) = Self.order.validate(["symbol": "AAPL"]) else {
            Issue.record("accepted")
            return
        }
        #expect(
            error.problems == [
                "side: required, expected one of \"BUY\", \"SELL\"",
                "quantity: required, expected an integer from 1 to 1000",
            ])
        let args = try Self.order.validate(Self.valid).get()
        #expect(args.bool("preview") == true)
        #expect(args.int("quantity") == 5)
        #expect(args["limit"] == nil)
    }

    @Test("absent or null arguments count as an empty object; a non-object is refused")
    func argumentShape() {
        #expect((try? ToolSchema().validate(nil).get()) == ToolArguments())
        #expect((try? ToolSchema().validate(.null).get()) == ToolArguments())
        guard case .failure(let error) = ToolSchema().validate([1]) else {
            Issue.record("accepted an array")
            return
        }
        #expect(error.problems == ["arguments: expected an object, received [1]"])
    }

    @Test("an open object keeps undeclared members and says so in its schema; a closed one refuses them")
    func openObjects() throws {
        let schema = ToolSchema([.object("extra", [.string("known")], required: false, allowsOtherMembers: true)])
        #expect(schema.jsonSchema["properties"]?["extra"]?["additionalProperties"] == true)
        #expect(schema.jsonSchema["additionalProperties"] == false)
        let args = try schema.validate(["extra": ["known": "k", "token": "valid"]]).get()
        #expect(args["extra"] == ["known": "k", "token": "valid"])
        guard case .failure(let error) = schema.validate(["extra": ["known": 1]]) else {
            Issue.record("accepted a bad declared member")
            return
        }
        #expect(error.problems == ["extra.known: expected a string, received 1"])
    }
}
