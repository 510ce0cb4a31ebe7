/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast, seedable generator.
///
/// All demo data comes from it so that one `--seed` always yields the same accounts, prices and
/// option chains. It is not for secrets: tokens use `SystemRandomNumberGenerator`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator seeded from `seed` and a label, so independent streams do not overlap.
    public init(seed: UInt64, label: String) {
        state = seed ^ SplitMix64.hash(label)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// FNV-1a over the UTF-8 bytes: a stable hash (Swift's `Hasher` is randomly seeded per process).
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// One pseudo-random value in [0, 1) for a key: stateless, for prices as functions of time.
    public static func unit(seed: UInt64, key: UInt64) -> Double {
        var generator = SplitMix64(seed: seed ^ key &* 0xD6E8_FEB8_6659_FD93)
        return generator.unit()
    }
}
