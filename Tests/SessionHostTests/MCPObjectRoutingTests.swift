import EdgeHTTP
import MCP
import Testing

@testable import SessionHost

/// Which `Host`/`Origin` values `MyMCP` accepts: pure decisions, checked without processes.
/// (Which requests leave the mailbox is `MCPEndpoint.stage`'s, tested in MCPEndpointStagingTests.)
@Suite struct MCPObjectRoutingTests {
    @Test(arguments: [
        ("https://mcp.example.com", ["mcp.example.com"], ["https://mcp.example.com"]),
        ("http://127.0.0.1:8787/", ["127.0.0.1:8787"], ["http://127.0.0.1:8787"]),
        ("https://mcp.example.com:8443/base?x=1", ["mcp.example.com:8443"], ["https://mcp.example.com:8443"]),
        ("not a url", [], []),
    ])
    func thePublicURLAndLoopbackAreAllowed(url: String, hosts: [String], origins: [String]) {
        let settings = MCPObjectSettings(publicURL: url)
        #expect(settings.allowedHosts == ["127.0.0.1", "localhost", "[::1]"] + hosts)
        #expect(settings.allowedOrigins == origins)
        #expect(settings.server.name == "schwab-mcp")
    }
}
