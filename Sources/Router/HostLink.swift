import EdgeRuntime

/// One session host as the router knows it: its number, the multiplexed connection to its socket,
/// and whether it still takes new streams.
struct HostLink: Sendable {
    /// The host's number (`host-<N>.sock`).
    let id: Placement.HostID
    /// The persistent connection every stream for this host rides on.
    let connection: RuntimeConnection
    /// Pings missed in a row.
    var missedPings = 0
    /// The host sent `goAway` (it is draining): no new streams, and its end is not a failure,
    /// since a draining host releases its leases itself.
    var draining = false
}
