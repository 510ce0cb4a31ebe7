import EdgeCore
import EdgeKV
import EdgeNet
import MCP
import Schwab
import SchwabTools
import Testing

/// The toolbox's declarations: the seed's names, full schemas, read-only hints. Building it does
/// no I/O, so these tests need no sandbox.
@Suite("SchwabToolbox listing")
struct ToolboxListingTests {
    static let upstream = UpstreamClient()

    static func tools(trading: TradingSettings = .disabled) -> [ToolDeclaration] {
        let client = SchwabClient(
            apiBase: "http://127.0.0.1:9", upstream: upstream, tokens: .fixed("unused"),
            logger: Logger(label: "t", level: .fatal))
        let env = SchwabToolEnvironment(
            client: client, accounts: AccountDirectory(client: client), userKey: "local",
            kv: KVClient(socketPath: "/nonexistent/kv.sock"), trading: trading,
            logger: Logger(label: "t", level: .fatal))
        return SchwabToolbox.tools(env, server: MCPServerInfo(name: "schwab-mcp", version: "0"))
    }

    @Test("with trading off the tools are exactly the seed's read tools, in its order")
    func names() {
        #expect(Self.tools().map(\.name) == SeedToolNames.readOnly)
        #expect(throws: Never.self) { try ToolCatalog(Self.tools()) }
    }

    @Test("with trading on the order tools follow the read tools, marked destructive")
    func tradingOn() {
        let tools = Self.tools(trading: TradingSettings(enabled: true))
        #expect(Set(tools.map(\.name)) == Set(SeedToolNames.readOnly + SeedToolNames.trading))
        #expect(Array(tools.map(\.name).prefix(SeedToolNames.readOnly.count)) == SeedToolNames.readOnly)
        for tool in tools where ["placeOrder", "replaceOrder", "cancelOrder"].contains(tool.name) {
            #expect(tool.annotations.readOnlyHint == false && tool.annotations.destructiveHint == true, "\(tool.name)")
        }
    }

    @Test("every read tool is marked read-only, not destructive, idempotent and open-world (status excepted)")
    func annotations() {
        for tool in Self.tools() where tool.name != "status" {
            #expect(
                tool.annotations
                    == ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: true),
                "\(tool.name)")
            #expect(tool.output != nil, "\(tool.name) has no output schema")
            #expect(tool.title != nil)
        }
    }

    @Test("every parameter says what it is; account inputs take display names")
    func descriptions() {
        for tool in Self.tools() {
            for parameter in tool.input.parameters {
                #expect(parameter.schema.description?.isEmpty == false, "\(tool.name).\(parameter.name)")
                if parameter.name == "accountNumber" {
                    #expect(parameter.schema.description?.contains("display name") == true)
                }
            }
        }
    }

    @Test("getOptionChain and getPriceHistory declare every parameter of Schwab's API")
    func fullParameterLists() throws {
        let tools = Self.tools()
        let chain = try #require(tools.first { $0.name == "getOptionChain" }).input.parameters.map(\.name)
        #expect(
            chain == [
                "symbol", "contractType", "strikeCount", "includeUnderlyingQuote", "strategy", "interval", "strike",
                "range", "fromDate", "toDate", "volatility", "underlyingPrice", "interestRate", "daysToExpiration",
                "expMonth", "optionType", "entitlement",
            ])
        let history = try #require(tools.first { $0.name == "getPriceHistory" }).input.parameters.map(\.name)
        #expect(
            history == [
                "symbol", "periodType", "period", "frequencyType", "frequency", "startDate", "endDate",
                "needExtendedHoursData", "needPreviousClose",
            ])
        let listing = try #require(tools.first { $0.name == "getOptionChain" }).listing(for: .latest)
        #expect(
            listing["inputSchema"]?["properties"]?["strategy"]?["enum"]?.jsonText
                == #"["SINGLE","ANALYTICAL","COVERED","VERTICAL","CALENDAR","STRANGLE","STRADDLE","BUTTERFLY","CONDOR","DIAGONAL","COLLAR","ROLL"]"#
        )
        // A date, or an ISO-8601 time whose date is used.
        let fromDate = listing["inputSchema"]?["properties"]?["fromDate"]?["anyOf"]
        #expect(fromDate?[0]?["format"]?.stringValue == "date")
        #expect(fromDate?[1]?["format"]?.stringValue == "date-time")
    }
}
