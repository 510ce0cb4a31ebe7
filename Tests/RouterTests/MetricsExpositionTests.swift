import Testing

@testable import Router

@Suite struct MetricsExpositionTests {
    @Test func countersAndTheLatencyHistogramFollowTheTextFormat() {
        let metrics = RouterMetrics()
        metrics.recordRequest(kind: "demo", status: 200, seconds: 0.0004)
        metrics.recordRequest(kind: "demo", status: 201, seconds: 0.03)
        metrics.recordRequest(kind: "demo", status: 503, seconds: 7)
        metrics.recordRequest(kind: "health", status: 200, seconds: 0.0001)
        metrics.recordFailover()
        metrics.recordRetry()
        metrics.recordRetry()
        let text = MetricsExposition.render(
            metrics.snapshot, liveHosts: [1, 2],
            hostCounters: [2: ["live_objects": 4], 1: ["live_objects": 7, "evictions": 1]])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"schwab_mcp_router_requests_total{kind="demo",status="2xx"} 2"#))
        #expect(lines.contains(#"schwab_mcp_router_requests_total{kind="demo",status="5xx"} 1"#))
        #expect(lines.contains(#"schwab_mcp_router_requests_total{kind="health",status="2xx"} 1"#))
        #expect(lines.contains(#"schwab_mcp_router_request_duration_seconds_bucket{le="0.0005"} 2"#))
        #expect(lines.contains(#"schwab_mcp_router_request_duration_seconds_bucket{le="0.025"} 2"#))
        #expect(lines.contains(#"schwab_mcp_router_request_duration_seconds_bucket{le="0.05"} 3"#))
        #expect(lines.contains(#"schwab_mcp_router_request_duration_seconds_bucket{le="5.0"} 3"#))
        #expect(lines.contains(#"schwab_mcp_router_request_duration_seconds_bucket{le="+Inf"} 4"#))
        #expect(lines.contains("schwab_mcp_router_request_duration_seconds_count 4"))
        #expect(lines.contains("schwab_mcp_router_failovers_total 1"))
        #expect(lines.contains("schwab_mcp_router_retries_total 2"))
        #expect(lines.contains("schwab_mcp_router_live_hosts 2"))
        #expect(lines.contains(#"schwab_mcp_host_live_objects{host="1"} 7"#))
        #expect(lines.contains(#"schwab_mcp_host_live_objects{host="2"} 4"#))
        #expect(lines.contains(#"schwab_mcp_host_evictions{host="1"} 1"#))
        #expect(!lines.contains { $0.hasPrefix(#"schwab_mcp_host_evictions{host="2"}"#) })
    }

    @Test func everySampleHasItsTypeDeclaredBeforeIt() {
        let metrics = RouterMetrics()
        metrics.recordRequest(kind: "mcp", status: 404, seconds: 0.2)
        let text = MetricsExposition.render(metrics.snapshot, liveHosts: [], hostCounters: [0: ["kv_calls": 9]])
        var declared = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                declared.insert(String(line.split(separator: " ")[2]))
                continue
            }
            if line.hasPrefix("#") { continue }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            let family = ["_bucket", "_sum", "_count"].reduce(name) { current, suffix in
                current.hasSuffix(suffix) && declared.contains(String(current.dropLast(suffix.count)))
                    ? String(current.dropLast(suffix.count)) : current
            }
            #expect(declared.contains(family), "\(line) has no # TYPE before it")
            #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line) ends with a number")
        }
    }
}
