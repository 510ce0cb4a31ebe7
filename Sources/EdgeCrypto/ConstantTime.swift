/// Comparisons whose running time does not depend on where two byte strings differ.
///
/// Comparing a received MAC or token with `==` stops at the first differing byte, which lets an
/// attacker learn a valid tag byte by byte from response times. The length is not secret here
/// (tags and tokens have public, fixed lengths), so a length mismatch returns early.
public enum ConstantTime {
    /// True when `a` and `b` have the same length and the same bytes; time depends on length only.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Compares the UTF-8 bytes of two strings in constant time (for opaque tokens and secrets).
    public static func equals(_ a: String, _ b: String) -> Bool { equals(Array(a.utf8), Array(b.utf8)) }
}
