/// A log message severity, the syslog levels of RFC 5424 §6.2.1 that MCP uses (MCP spec
/// 2025-11-25, server/utilities/logging).
public enum MCPLogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, notice, warning, error, critical, alert, emergency

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Ordered from `debug` (least severe) to `emergency`.
    public static func < (lhs: MCPLogLevel, rhs: MCPLogLevel) -> Bool { lhs.rank < rhs.rank }
}
