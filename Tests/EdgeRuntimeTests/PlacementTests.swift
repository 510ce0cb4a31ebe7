import Testing

@testable import EdgeRuntime

@Suite("Placement")
struct PlacementTests {
    static let ids = (0..<1000).map { "user-\($0)" }

    @Test("SipHash-2-4 matches the reference vectors of the SipHash paper")
    func sipHashVectors() {
        // Key 00..0f; messages 00, 00 01, ..., as in the reference implementation's vectors.h.
        #expect(StableHash.sipHash24([UInt8]()) == 0x726F_DB47_DD0E_0E31)
        #expect(StableHash.sipHash24(Array(UInt8(0)..<15)) == 0xA129_CA61_49BE_45E5)
    }

    @Test("1,000 objects over 4 hosts land within 20% of even")
    func evenSpread() {
        var counts: [Int: Int] = [:]
        for id in Self.ids { counts[Placement.owner(of: id, among: [1, 2, 3, 4])!, default: 0] += 1 }
        #expect(counts.count == 4)
        for (host, count) in counts { #expect((200...300).contains(count), "host \(host) owns \(count)") }
    }

    @Test("adding a host moves only objects that now hash to it")
    func addHost() {
        for id in Self.ids {
            let before = Placement.owner(of: id, among: [1, 2, 3, 4])!
            let after = Placement.owner(of: id, among: [1, 2, 3, 4, 5])!
            #expect(after == before || after == 5, "\(id) moved from \(before) to \(after)")
        }
        let moved = Self.ids.filter { Placement.owner(of: $0, among: [1, 2, 3, 4, 5]) == 5 }.count
        #expect((150...250).contains(moved), "host 5 took \(moved) of 1000")
    }

    @Test("removing a host moves only its objects, each to the next host in its ranking")
    func removeHost() {
        for id in Self.ids {
            let ranking = Placement.ranking(of: id, among: [1, 2, 3, 4])
            let after = Placement.owner(of: id, among: [1, 2, 4])!
            if ranking[0] == 3 {
                #expect(after == ranking[1])
            } else {
                #expect(after == ranking[0])
            }
        }
    }

    @Test("the ranking starts with the owner, lists each host once, and ignores input order")
    func rankingShape() {
        for id in Self.ids.prefix(100) {
            let ranking = Placement.ranking(of: id, among: [4, 2, 3, 1, 2])
            #expect(ranking.count == 4 && Set(ranking) == [1, 2, 3, 4])
            #expect(ranking.first == Placement.owner(of: id, among: [1, 2, 3, 4]))
            #expect(ranking == Placement.ranking(of: id, among: [1, 2, 3, 4]))
        }
    }

    @Test("no hosts means no owner")
    func noHosts() {
        #expect(Placement.owner(of: "x", among: []) == nil)
        #expect(Placement.ranking(of: "x", among: []).isEmpty)
    }
}
