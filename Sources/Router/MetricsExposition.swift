/// Renders the router's counters and the hosts' counters in the Prometheus text exposition
/// format, version 0.0.4 (`# HELP`, `# TYPE`, one sample per line, histograms as cumulative
/// `_bucket{le=...}` samples plus `_sum` and `_count`). Pure: snapshot in, text out.
public enum MetricsExposition {
    /// The `Content-Type` of the format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The whole page: router counters, live hosts, and each host's counters labelled `host`.
    public static func render(
        _ snapshot: RouterMetrics.Snapshot, liveHosts: [Int], hostCounters: [Int: [String: Int]]
    ) -> String {
        var out = ""
        out +=
            "# HELP schwab_mcp_router_requests_total Requests answered by the router, by route kind and status class.\n"
        out += "# TYPE schwab_mcp_router_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            out += "schwab_mcp_router_requests_total{kind=\"\(key.kind)\",status=\"\(key.statusClass)\"} \(count)\n"
        }
        out += "# HELP schwab_mcp_router_request_duration_seconds Time from a complete request to its response head.\n"
        out += "# TYPE schwab_mcp_router_request_duration_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in RouterMetrics.latencyBuckets.enumerated() {
            cumulative += snapshot.latencyCounts[index]
            out += "schwab_mcp_router_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += snapshot.latencyCounts[RouterMetrics.latencyBuckets.count]
        out += "schwab_mcp_router_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)\n"
        out += "schwab_mcp_router_request_duration_seconds_sum \(snapshot.latencySum)\n"
        out += "schwab_mcp_router_request_duration_seconds_count \(cumulative)\n"
        out += counter(
            "schwab_mcp_router_failovers_total", "Session hosts lost (connection closed or pings missed).",
            snapshot.failovers)
        out += counter(
            "schwab_mcp_router_retries_total", "Requests re-sent to another host after notOwner or a lost host.",
            snapshot.retries)
        out += counter(
            "schwab_mcp_router_host_connections_total", "Connections made to session hosts.", snapshot.hostConnections)
        out += "# HELP schwab_mcp_router_live_hosts Session hosts connected and answering pings.\n"
        out += "# TYPE schwab_mcp_router_live_hosts gauge\n"
        out += "schwab_mcp_router_live_hosts \(liveHosts.count)\n"
        let names = Set(hostCounters.values.flatMap(\.keys)).sorted()
        for name in names {
            out += "# HELP schwab_mcp_host_\(name) The host's own \(name) counter, as it reported it.\n"
            out += "# TYPE schwab_mcp_host_\(name) gauge\n"
            for (host, counters) in hostCounters.sorted(by: { $0.key < $1.key }) {
                if let value = counters[name] { out += "schwab_mcp_host_\(name){host=\"\(host)\"} \(value)\n" }
            }
        }
        return out
    }

    static func counter(_ name: String, _ help: String, _ value: Int) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
    }
}
