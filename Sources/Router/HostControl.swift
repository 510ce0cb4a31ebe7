import EdgeCore
import EdgeHTTP
import EdgeRuntime

/// The router's own requests to session hosts, carried as ordinary streams addressed to the
/// reserved object class `_runtime`, which a host answers itself instead of dispatching to an
/// object (SessionHost's `HostControl` serves them). Reusing the stream protocol keeps the frame
/// codec unchanged, and the 0600 host socket means only the router can send them.
///
/// - `POST /presumed-dead`, body: a JSON array of the lease holder names (`"host-<N>"`) of every
///   host the router currently believes dead (the full set each time, `[]` for none). The host
///   may take their objects' leases at once instead of waiting for them to expire: the failover
///   within one second, with 3-second leases.
/// - `POST /release?class=C&id=I`: the host finishes the object's in-flight events and releases
///   its lease: the clean hand-off when the object now belongs to another host.
/// - `GET /status`: a JSON object about the host; the router shows its integer members (such as
///   `liveObjects`, `activeStreams`) on `/metrics`, per host, in snake_case.
public enum HostControl {
    /// The reserved class name; the router never forwards a client's request to it.
    public static let objectClass = "_runtime"

    /// The lease holder name of host `id`, as the hosts write it in their leases.
    public static func holderName(_ id: Placement.HostID) -> String { "host-\(id)" }

    /// The request announcing `dead` hosts, with its body.
    public static func presumedDead(_ dead: Set<Placement.HostID>) -> (RuntimeRequestHead, [UInt8]) {
        let body = JSONValue.array(dead.sorted().map { .string(holderName($0)) }).jsonText
        let head = HTTPRequestHead(
            method: .post, target: "/presumed-dead",
            headers: ["Content-Type": "application/json", "Content-Length": String(body.utf8.count)])
        return (RuntimeRequestHead(head: head, objectClass: objectClass, objectID: "router"), Array(body.utf8))
    }

    /// The request asking a host to hand off `objectClass`/`objectID`.
    public static func release(objectClass className: String, objectID: String) -> RuntimeRequestHead {
        let target = "/release?class=\(percentEncoded(className))&id=\(percentEncoded(objectID))"
        return RuntimeRequestHead(
            head: HTTPRequestHead(method: .post, target: target), objectClass: objectClass, objectID: "router")
    }

    /// The request asking for the host's status.
    public static func status() -> RuntimeRequestHead {
        RuntimeRequestHead(
            head: HTTPRequestHead(method: .get, target: "/status"), objectClass: objectClass, objectID: "router")
    }

    /// The integer members of a status answer, by snake_case name, without `pid`; empty when it
    /// is not a JSON object.
    public static func parseStatus(_ body: [UInt8]) -> [String: Int] {
        guard let members = (try? JSONValue.parse(body))?.objectValue else { return [:] }
        var counters: [String: Int] = [:]
        for (name, value) in members where name != "pid" && isMetricName(name) {
            if let number = value.intValue { counters[snakeCase(name)] = number }
        }
        return counters
    }

    /// `liveObjects` to `live_objects`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase, !out.isEmpty { out.append("_") }
            out.append(contentsOf: character.lowercased())
        }
        return out
    }

    /// Letters, digits and `_`, not starting with a digit, at most 64: a safe Prometheus name part.
    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39), name.utf8.count <= 64 else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F
        }
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
