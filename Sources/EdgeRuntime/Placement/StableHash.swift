/// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) with a fixed key.
///
/// Placement needs a hash that every process computes identically, run after run: Swift's
/// `Hasher` is seeded randomly per process, so two routers (or a router before and after a
/// restart) would disagree on owners. SipHash mixes short inputs such as object ids far better
/// than FNV, which keeps rendezvous weights independent across hosts.
public enum StableHash {
    /// The fixed key: any constant works, it only has to be the same everywhere.
    public static let placementKey: (UInt64, UInt64) = (0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908)

    /// The 64-bit SipHash-2-4 of `bytes` under `key`.
    public static func sipHash24<Bytes: Collection>(_ bytes: Bytes, key: (UInt64, UInt64) = placementKey) -> UInt64
    where Bytes.Element == UInt8 {
        var v0: UInt64 = 0x736F_6D65_7073_6575 ^ key.0
        var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ key.1
        var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ key.0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.1

        func round() {
            v0 &+= v1
            v1 = v1.rotatedLeft(13) ^ v0
            v0 = v0.rotatedLeft(32)
            v2 &+= v3
            v3 = v3.rotatedLeft(16) ^ v2
            v0 &+= v3
            v3 = v3.rotatedLeft(21) ^ v0
            v2 &+= v1
            v1 = v1.rotatedLeft(17) ^ v2
            v2 = v2.rotatedLeft(32)
        }

        var word: UInt64 = 0
        var filled = 0
        for byte in bytes {
            word |= UInt64(byte) << (8 * UInt64(filled))
            filled += 1
            if filled == 8 {
                v3 ^= word
                round()
                round()
                v0 ^= word
                word = 0
                filled = 0
            }
        }
        let last = word | (UInt64(truncatingIfNeeded: bytes.count) << 56)
        v3 ^= last
        round()
        round()
        v0 ^= last
        v2 ^= 0xFF
        for _ in 0..<4 { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
