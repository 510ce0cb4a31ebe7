/// A log message severity, the syslog levels of RFC 5424 §6.2.1 that MCP uses (MCP spec
/// 2025-11-25, server/utilities/logging).
public enum MCPLogLevel: String, Sendable, CaseIterable, Comparable {
    /// Detailed debugging information.
    case debug
    /// Normal operational messages.
    case info
    /// Normal but significant events.
    case notice
    /// Warning conditions.
    case warning
    /// Error conditions.
    case error
    /// Critical conditions.
    case critical
    /// Action must be taken immediately.
    case alert
    /// The system is unusable.
    case emergency

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Ordered from `debug` (least severe) to `emergency`.
    public static func < (lhs: MCPLogLevel, rhs: MCPLogLevel) -> Bool { lhs.rank < rhs.rank }
}
