import Testing

@testable import SchwabTools

@Suite("TraderTimestamp")
struct TraderTimestampTests {
    @Test(
        "inputs become Schwab's yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        arguments: [
            ("2024-03-29", false, "2024-03-29T00:00:00.000Z"), ("2024-03-29", true, "2024-03-29T23:59:59.999Z"),
            ("2024-03-29T10:15", false, "2024-03-29T10:15:00.000Z"),
            ("2024-03-29T10:15", true, "2024-03-29T10:15:59.000Z"),
            ("2024-03-29T10:15:30", false, "2024-03-29T10:15:30.000Z"),
            ("2024-03-29T10:15:30.5Z", false, "2024-03-29T10:15:30.500Z"),
            ("2024-03-29T10:15:30.123Z", false, "2024-03-29T10:15:30.123Z"),
            ("2024-03-29T10:15:30-05:00", false, "2024-03-29T15:15:30.000Z"),
            ("2024-03-29T10:15+0100", false, "2024-03-29T09:15:00.000Z"),
            ("2024-03-29T23:30:00.123456+00:00", false, "2024-03-29T23:30:00.123Z"),
            ("2024-03-29 10:15:30Z", false, "2024-03-29T10:15:30.000Z"),
            ("2024-12-31T22:00-05:00", true, "2025-01-01T03:00:59.000Z"),
        ])
    func normalize(input: String, endOfDay: Bool, expected: String) throws {
        #expect(TraderTimestamp.normalize(input, endOfDay: endOfDay) == expected)
        #expect(try Regex(TraderTimestamp.pattern).wholeMatch(in: input) != nil)
    }

    @Test(
        "text that is not a timestamp is not read as one",
        arguments: [
            "2024-3-29", "2024-13-01", "2024-03-29T", "2024-03-29T25:00", "2024-03-29T10:15:30.Z",
            "2024-03-29T10:15Z+", "2024-03-29T10:15:30 EST", "last week", "",
        ])
    func malformed(input: String) throws {
        #expect(TraderTimestamp.epochMillis(input, endOfDay: false) == nil)
        #expect(try Regex(TraderTimestamp.pattern).wholeMatch(in: input) == nil)
    }

    @Test(
        "epoch seconds format in UTC with milliseconds",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"), (1_711_670_400.0, "2024-03-29T00:00:00.000Z"),
            (951_782_400.25, "2000-02-29T00:00:00.250Z"), (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
        ])
    func format(seconds: Double, expected: String) {
        #expect(TraderTimestamp.format(seconds) == expected)
    }
}
