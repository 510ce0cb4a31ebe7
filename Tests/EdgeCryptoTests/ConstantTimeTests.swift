import EdgeCrypto
import Testing

@Suite("Constant-time comparison")
struct ConstantTimeTests {
    static let cases: [(a: [UInt8], b: [UInt8], equal: Bool)] = [
        ([], [], true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [1, 2, 4], false),
        ([0, 2, 3], [1, 2, 3], false),
        ([1, 2, 3], [1, 2], false),
        ([], [0], false),
    ]

    @Test("equals matches byte equality", arguments: cases)
    func equalsMatchesByteEquality(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(a, b) == equal)
        #expect(ConstantTime.equals(b, a) == equal)
    }

    @Test("string form compares UTF-8 bytes")
    func strings() {
        #expect(ConstantTime.equals("tökén", "tökén"))
        #expect(!ConstantTime.equals("token", "Token"))
    }
}
