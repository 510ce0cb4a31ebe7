import EdgeRuntime
import Testing

@testable import Router

@Suite struct HostControlTests {
    @Test func thePresumedDeadNoticeListsEveryDeadHostByItsLeaseHolderName() {
        let (head, body) = HostControl.presumedDead([3, 1, 12])
        #expect(head.objectClass == "_runtime")
        #expect(head.head.method == .post)
        #expect(head.head.target == "/presumed-dead")
        #expect(String(decoding: body, as: UTF8.self) == #"["host-1","host-3","host-12"]"#)
        #expect(head.head.headers["Content-Length"] == String(body.count))
        let (_, none) = HostControl.presumedDead([])
        #expect(String(decoding: none, as: UTF8.self) == "[]", "an empty set clears what the host believed")
    }

    @Test func aReleaseRequestEncodesTheObjectInItsQuery() {
        let head = HostControl.release(objectClass: "RuntimeProbe", objectID: "a b&c=d/é")
        #expect(head.objectClass == "_runtime")
        #expect(head.head.target == "/release?class=RuntimeProbe&id=a%20b%26c%3Dd%2F%C3%A9")
    }

    /// A host's status body, the counters the router keeps.
    static let statusCases: [(String, [String: Int])] = [
        (
            #"{"host":"host-2","pid":4242,"liveObjects":3,"objects":["a","b","c"],"activeStreams":1}"#,
            ["live_objects": 3, "active_streams": 1]
        ),
        (#"{"liveObjects":1,"ratio":0.5,"nested":{"a":1}}"#, ["live_objects": 1]),
        (#"{"bad name":1,"9lives":2,"ok_name":4}"#, ["ok_name": 4]),
        ("[1,2,3]", [:]),
        ("not json", [:]),
        ("", [:]),
    ]

    @Test(arguments: statusCases)
    func onlyWellNamedIntegerMembersBecomeCounters(body: String, expected: [String: Int]) {
        #expect(HostControl.parseStatus(Array(body.utf8)) == expected)
    }

    /// Socket file names and the host id they stand for.
    static let socketNames: [(String, Int?)] = [
        ("host-0.sock", 0), ("host-7.sock", 7), ("host-123.sock", 123), ("host-.sock", nil), ("host-x.sock", nil),
        ("host--1.sock", nil), ("kv.sock", nil), ("host-1.sock.tmp", nil), ("host-١.sock", nil),
        ("host-9999999999.sock", nil),
    ]

    @Test(arguments: socketNames)
    func onlyHostSocketNamesAreHosts(name: String, id: Int?) {
        #expect(HostPool.hostID(fromSocketName: name) == id)
    }
}
