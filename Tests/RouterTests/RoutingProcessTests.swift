import EdgeRuntime
import Foundation
import TestSupport
import Testing

/// The router, session hosts and kv as real processes, driven through the router's HTTP port.
@Suite(.serialized) struct RoutingProcessTests {
    static let probe = "/objects/RuntimeProbe/"

    @Test func aRoutedRequestReachesTheHostThatOwnsTheObject() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2, 3])
        defer { world.cleanUp() }
        for n in 0..<12 {
            let id = "user-\(n)"
            let answer = try await HTTP.post(world.url + Self.probe + id + "/count")
            #expect(answer.status == 200, "\(answer.body)")
            #expect(reportedHost(answer.body) == Placement.owner(of: id, among: [1, 2, 3]), "\(id): \(answer.body)")
            #expect(reportedInt("count", answer.body) == 1)
            #expect(answer.body.contains(#""userId":"local""#), "props from the router reach the object")
        }
        await world.stop()
    }

    @Test func fourHostsShareAThousandObjectsWithinTwentyPercentOfEven() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2, 3, 4])
        defer { world.cleanUp() }
        let script = """
            import http.client, json, sys
            c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
            for n in range(1000):
                c.request("GET", "/objects/RuntimeProbe/spread-%d/state" % n)
                r = c.getresponse()
                body = r.read().decode()
                print(n, r.status, json.loads(body)["host"] if r.status == 200 else body.replace("\\n", " "))
            """
        let output = try await python(script, [String(world.port)])
        var perHost: [Int: Int] = [:]
        var misplaced = 0
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[1] == "200", let host = Int(parts[2].dropFirst("host-".count)) else {
                Issue.record("a request failed: \(line)")
                continue
            }
            perHost[host, default: 0] += 1
            if Placement.owner(of: "spread-\(parts[0])", among: [1, 2, 3, 4]) != host { misplaced += 1 }
        }
        #expect(perHost.values.reduce(0, +) == 1000)
        #expect(misplaced == 0)
        for host in 1...4 {
            #expect((200...300).contains(perHost[host] ?? 0), "host \(host) got \(perHost[host] ?? 0) of 1000")
        }
        await world.stop()
    }

    @Test func aHostStartedAfterTheRouterIsFoundAndServes() async throws {
        let world = try await RuntimeWorld(hosts: [1])
        defer { world.cleanUp() }
        try world.startHost(7)
        #expect(await eventuallyAnswers { (try? await world.liveHosts()) == 2 }, "\(world.logs)")
        let id = (0..<1000).map { "late-\($0)" }.first { Placement.owner(of: $0, among: [1, 7]) == 7 }!
        let answer = try await HTTP.get(world.url + Self.probe + id + "/count")
        #expect(answer.status == 200)
        #expect(reportedHost(answer.body) == 7, "\(answer.body)")
        await world.stop()
    }

    @Test func withNoHostTheRouterAnswers503AndSaysWhy() async throws {
        let world = try await RuntimeWorld(hosts: [])
        defer { world.cleanUp() }
        let answer = try await HTTP.get(world.url + Self.probe + "nobody/count")
        #expect(answer.status == 503)
        #expect(answer.body.contains("no session host"), "\(answer.body)")
        let health = try await HTTP.get(world.url + "/health")
        #expect(health.status == 200)
        #expect(health.body == #"{"status":"ok","live_hosts":0}"#)
        await world.stop()
    }

    @Test func theMetricsPageCountsRequestsHostsAndLatency() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        for n in 0..<5 {
            _ = try await HTTP.get(world.url + Self.probe + "metered-\(n)/count")
        }
        _ = try await HTTP.get(world.url + "/nowhere")
        // The router asks each host for its counters and waits a second per page; on a loaded
        // machine a host may miss that second, and its gauges are left out of that page. Ask again
        // until both hosts are on it (the request counts below are read from the page itself).
        var page = try await HTTP.curl(["--include", world.url + "/metrics"])
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while Self.hostGauges(page.body) < 2 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            page = try await HTTP.curl(["--include", world.url + "/metrics"])
        }
        #expect(page.status == 200)
        #expect(page.body.contains("Content-Type: text/plain; version=0.0.4"))
        let lines = page.body.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(lines.contains(#"schwab_mcp_router_requests_total{kind="demo",status="2xx"} 5"#), "\(page.body)")
        #expect(lines.contains(#"schwab_mcp_router_requests_total{kind="not_found",status="4xx"} 1"#))
        #expect(lines.contains("schwab_mcp_router_live_hosts 2"))
        let counted = lines.filter { $0.hasPrefix("schwab_mcp_router_requests_total{") }
            .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(
            lines.contains("schwab_mcp_router_request_duration_seconds_count \(counted)"),
            "every counted request is in the histogram")
        let liveObjects = lines.filter { $0.hasPrefix("schwab_mcp_host_live_objects{") }
            .compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(liveObjects.count == 2, "one gauge per host")
        #expect(liveObjects.reduce(0, +) == 5, "the five objects are live somewhere")
        func hostTotal(_ name: String) -> Int {
            lines.filter { $0.hasPrefix("schwab_mcp_host_\(name){") }
                .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        }
        #expect(hostTotal("activations") == 5, "each of the five objects was activated once")
        #expect(hostTotal("evictions") == 0)
        #expect(hostTotal("kv_calls") >= 10, "each activation takes a lease and counts in storage")
        #expect(lines.contains("schwab_mcp_router_failovers_total 0"))
        #expect(lines.contains("schwab_mcp_router_host_connections_total 2"))
        await world.stop()
    }

    /// How many hosts' `live_objects` gauges a metrics page holds.
    static func hostGauges(_ page: String) -> Int {
        page.split(separator: "\n").filter { $0.hasPrefix("schwab_mcp_host_live_objects{") }.count
    }

    @Test func badAddressesGetClearAnswersAndTheRouterKeepsServing() async throws {
        let world = try await RuntimeWorld(hosts: [1])
        defer { world.cleanUp() }
        let unknown = try await HTTP.get(world.url + "/objects/NoSuchClass/x/count")
        #expect(unknown.status == 404)
        #expect(unknown.body.contains("unknown_class"), "\(unknown.body)")
        let control = try await HTTP.get(world.url + "/objects/_runtime/router/status")
        #expect(control.status == 404, "a client cannot reach the hosts' control requests: \(control.body)")
        #expect(!control.body.contains("liveObjects"))
        let incomplete = try await HTTP.get(world.url + "/objects/RuntimeProbe")
        #expect(incomplete.status == 404)
        let posing = try await HTTP.curl([
            "-X", "POST", "-H", "X-Runtime-Props: userId=admin", "-H", "Authorization: Bearer stolen",
            world.url + Self.probe + "posing/count",
        ])
        #expect(posing.status == 200)
        #expect(posing.body.contains(#""props":{"authMode":"none","userId":"local"}"#), "\(posing.body)")
        let fine = try await HTTP.post(world.url + Self.probe + "posing/count")
        #expect(reportedInt("count", fine.body) == 2, "\(fine.body)")
        await world.stop()
    }
}
