import EdgeCore
import EdgeHTTP
import EdgeRuntime

/// The router's own messages to session hosts, carried as ordinary streams addressed to the
/// reserved object class `_control`, which a host answers itself instead of dispatching to an
/// object. Reusing the stream protocol keeps the frame codec unchanged.
///
/// - `POST /_control/presumed-dead`, body: the lease holder names (`host-<N>`) of every host the
///   router currently believes dead, one per line (the full set each time, empty for none). The
///   host passes them to `ObjectHost.setPresumedDead`, so it may take over their objects' leases
///   at once instead of waiting for them to expire: the failover within one second.
/// - `GET /_control/stats`: a JSON object of integer counters about the host, at least
///   `live_objects`; the router shows every integer member on `/metrics` per host.
///
/// A host that does not know a control path answers 404; the router then just lacks the
/// shortcut (failover waits for the lease) or the host's gauges.
public enum HostControl {
    /// The reserved class name; the router never forwards a client's request to it.
    public static let objectClass = "_control"
    /// The path that announces the presumed-dead hosts.
    public static let presumedDeadPath = "/_control/presumed-dead"
    /// The path that asks for the host's counters.
    public static let statsPath = "/_control/stats"

    /// The lease holder name of host `id`, as the hosts write it in their leases.
    public static func holderName(_ id: Placement.HostID) -> String { "host-\(id)" }

    /// The request announcing `dead` hosts, with its body.
    public static func presumedDead(_ dead: Set<Placement.HostID>) -> (RuntimeRequestHead, [UInt8]) {
        let body = dead.sorted().map(holderName).joined(separator: "\n")
        let head = HTTPRequestHead(
            method: .post, target: presumedDeadPath,
            headers: ["Content-Type": "text/plain", "Content-Length": String(body.utf8.count)])
        return (RuntimeRequestHead(head: head, objectClass: objectClass, objectID: "router"), Array(body.utf8))
    }

    /// The request asking for the host's counters.
    public static func stats() -> RuntimeRequestHead {
        RuntimeRequestHead(
            head: HTTPRequestHead(method: .get, target: statsPath), objectClass: objectClass, objectID: "router")
    }

    /// The integer members of a stats answer, by name; empty when it is not a JSON object.
    public static func parseStats(_ body: [UInt8]) -> [String: Int] {
        guard let members = (try? JSONValue.parse(body))?.objectValue else { return [:] }
        var counters: [String: Int] = [:]
        for (name, value) in members where isMetricName(name) {
            if let number = value.intValue { counters[name] = number }
        }
        return counters
    }

    /// Prometheus metric names allow `[a-zA-Z_:][a-zA-Z0-9_:]*`; anything else is dropped.
    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39), name.utf8.count <= 64 else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F
        }
    }
}
