import EdgeRuntime
import Testing

@testable import Router

@Suite struct HostControlTests {
    @Test func thePresumedDeadNoticeListsEveryDeadHostByItsLeaseHolderName() {
        let (head, body) = HostControl.presumedDead([3, 1, 12])
        #expect(head.objectClass == "_control")
        #expect(head.head.method == .post)
        #expect(head.head.target == "/_control/presumed-dead")
        #expect(String(decoding: body, as: UTF8.self) == "host-1\nhost-3\nhost-12")
        #expect(head.head.headers["Content-Length"] == String(body.count))
        let (_, none) = HostControl.presumedDead([])
        #expect(none.isEmpty, "an empty set clears what the host believed")
    }

    /// A host's stats body, the counters the router keeps.
    static let statsCases: [(String, [String: Int])] = [
        (
            #"{"live_objects":3,"activations":10,"evictions":2,"kv_calls":55}"#,
            ["live_objects": 3, "activations": 10, "evictions": 2, "kv_calls": 55]
        ),
        (#"{"live_objects":1,"host":"host-2","ratio":0.5,"nested":{"a":1}}"#, ["live_objects": 1]),
        (#"{"bad name":1,"9lives":2,"ok_name":4}"#, ["ok_name": 4]),
        ("[1,2,3]", [:]),
        ("not json", [:]),
        ("", [:]),
    ]

    @Test(arguments: statsCases)
    func onlyWellNamedIntegerCountersAreKept(body: String, expected: [String: Int]) {
        #expect(HostControl.parseStats(Array(body.utf8)) == expected)
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
