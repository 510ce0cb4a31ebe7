/// Which session host owns an object: rendezvous (highest-random-weight) hashing over live hosts.
///
/// Every host gets a weight per object, `SipHash-2-4(objectID ‖ 0x00 ‖ "host-<id>")`; the owner is
/// the host with the highest weight, and the hosts sorted by falling weight are the failover
/// order (Thaler and Ravishankar, "Using name-based mappings to increase hit rates", 1998).
/// The property that matters: adding a host moves only the objects whose new highest weight is
/// that host's, and removing a host moves only its own objects, each to the next host in its
/// ranking. No table is shared, so the router and every host compute the same answer from the
/// list of live hosts alone. Ties (which SipHash makes astronomically rare) go to the lower id.
public enum Placement {
    /// A session host's number, as in `schwab-mcp host --id N`.
    public typealias HostID = Int

    /// The host that owns `objectID` among `hosts`, or nil when there are none.
    public static func owner(of objectID: String, among hosts: [HostID]) -> HostID? {
        var best: (host: HostID, weight: UInt64)?
        for host in hosts {
            let w = weight(of: objectID, on: host)
            if let current = best, current.weight > w || (current.weight == w && current.host < host) { continue }
            best = (host, w)
        }
        return best?.host
    }

    /// Every host in `hosts` (duplicates dropped) from owner to last resort: the order in which
    /// the router tries hosts when the owner is down.
    public static func ranking(of objectID: String, among hosts: [HostID]) -> [HostID] {
        Set(hosts).map { (host: $0, weight: weight(of: objectID, on: $0)) }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.host < $1.host }
            .map(\.host)
    }

    /// The rendezvous weight of `objectID` on `host`.
    public static func weight(of objectID: String, on host: HostID) -> UInt64 {
        var bytes = Array(objectID.utf8)
        bytes.append(0)
        bytes.append(contentsOf: "host-\(host)".utf8)
        return StableHash.sipHash24(bytes)
    }
}
