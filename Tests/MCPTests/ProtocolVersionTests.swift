import Testing

@testable import MCP

@Suite("Protocol version negotiation")
struct ProtocolVersionTests {
    @Test(
        "initialize answers the client's version when supported, else our latest",
        arguments: [
            ("2024-11-05", "2024-11-05"), ("2025-03-26", "2025-03-26"), ("2025-06-18", "2025-06-18"),
            ("2025-11-25", "2025-11-25"), ("2026-07-28", "2025-11-25"), ("1999-01-01", "2025-11-25"),
            ("garbage", "2025-11-25"),
        ])
    func negotiate(requested: String, answered: String) {
        #expect(MCPProtocolVersion.negotiate(requested: requested).rawValue == answered)
    }

    @Test("batches only in 2025-03-26; structured content from 2025-06-18; annotations from 2025-03-26")
    func rules() {
        #expect(MCPProtocolVersion.supported.filter(\.allowsBatches) == [.v2025_03_26])
        #expect(MCPProtocolVersion.supported.filter(\.hasStructuredContent) == [.v2025_06_18, .v2025_11_25])
        #expect(!MCPProtocolVersion.v2024_11_05.hasToolAnnotations)
        #expect(MCPProtocolVersion.v2025_03_26.hasToolAnnotations)
    }
}
