/// An MCP protocol revision, named by its date (MCP spec 2025-11-25, basic/lifecycle "Version
/// Negotiation"), and the rules that differ between the revisions we serve.
public struct MCPProtocolVersion: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The revision's date text, e.g. `2025-06-18`.
    public let rawValue: String
    /// A revision by its date text; nothing is checked here, see `isSupported`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The original HTTP+SSE revision.
    public static let v2024_11_05 = MCPProtocolVersion(rawValue: "2024-11-05")
    /// Streamable HTTP, batches, tool annotations.
    public static let v2025_03_26 = MCPProtocolVersion(rawValue: "2025-03-26")
    /// `MCP-Protocol-Version` header, structured content, elicitation; batches removed.
    public static let v2025_06_18 = MCPProtocolVersion(rawValue: "2025-06-18")
    /// Explicit 403 on a bad Origin, SSE polling, validation errors as `isError`.
    public static let v2025_11_25 = MCPProtocolVersion(rawValue: "2025-11-25")

    /// Every revision this server speaks, oldest first.
    public static let supported: [MCPProtocolVersion] = [v2024_11_05, v2025_03_26, v2025_06_18, v2025_11_25]
    /// The newest revision we speak: the answer when a client asks for one we do not know.
    public static let latest = v2025_11_25

    /// The version to answer `initialize` with: the client's when supported, else our latest
    /// (MCP spec 2025-11-25, basic/lifecycle "Version Negotiation").
    public static func negotiate(requested: String?) -> MCPProtocolVersion {
        guard let requested else { return latest }
        let version = MCPProtocolVersion(rawValue: requested)
        return version.isSupported ? version : latest
    }

    /// Whether this server speaks the revision.
    public var isSupported: Bool { Self.supported.contains(self) }

    /// JSON-RPC batches are allowed only in 2025-03-26 (added then, removed in 2025-06-18).
    public var allowsBatches: Bool { self == .v2025_03_26 }
    /// Tool annotations exist from 2025-03-26.
    public var hasToolAnnotations: Bool { self >= .v2025_03_26 }
    /// `title`, `outputSchema`/`structuredContent` and elicitation exist from 2025-06-18.
    public var hasStructuredContent: Bool { self >= .v2025_06_18 }
    /// A POST's SSE stream starts with a primer event, and may be closed early (2025-11-25 polling).
    public var primesStreams: Bool { self >= .v2025_11_25 }

    /// Dates order lexically.
    public static func < (lhs: MCPProtocolVersion, rhs: MCPProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The date text.
    public var description: String { rawValue }
}
