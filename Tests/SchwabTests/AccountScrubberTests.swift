import EdgeCore
import Testing

@testable import Schwab

@Suite("AccountScrubber")
struct AccountScrubberTests {
    let scrubber = AccountScrubber(map: AccountFixtures.map)

    @Test(
        "JSON values lose every account number and hash",
        arguments: [
            (
                ["accountNumber": "12345678", "type": "MARGIN"] as JSONValue,
                ["accountDisplay": "Individual ...678", "type": "MARGIN"] as JSONValue
            ),
            (
                ["accountNumber": 87_654_321, "orderId": 5] as JSONValue,
                ["accountDisplay": "Roth IRA ...321", "orderId": 5] as JSONValue
            ),
            (
                ["accountNumber": "12345678", "hashValue": "AB12CD34EF56AB12CD34EF56AB12CD34"] as JSONValue,
                ["accountDisplay": "Individual ...678"] as JSONValue
            ),
            (
                ["hashValue": "99FF88EE77DD66CC55BB44AA33009911"] as JSONValue,
                ["accountDisplay": "Roth IRA ...321"] as JSONValue
            ),
            (
                ["accountNumber": "55555999"] as JSONValue,
                ["accountDisplay": "Account ...999"] as JSONValue
            ),
            (
                ["accountDisplay": "Mine", "accountNumber": "12345678"] as JSONValue,
                ["accountDisplay": "Mine"] as JSONValue
            ),
            (
                ["location": "https://api/trader/v1/accounts/AB12CD34EF56AB12CD34EF56AB12CD34/orders/7"] as JSONValue,
                ["location": "https://api/trader/v1/accounts/Individual ...678/orders/7"] as JSONValue
            ),
            (
                ["message": "account 87654321 is closed"] as JSONValue,
                ["message": "account Roth IRA ...321 is closed"] as JSONValue
            ),
            (
                ["nested": [["x": ["accountNumber": "12345678"]]], "n": 12_345_678] as JSONValue,
                ["nested": [["x": ["accountDisplay": "Individual ...678"]]], "n": "Individual ...678"] as JSONValue
            ),
            (
                ["12345678": true, "lower": "99ff88ee77dd66cc55bb44aa33009911"] as JSONValue,
                ["Individual ...678": true, "lower": "Roth IRA ...321"] as JSONValue
            ),
            (
                ["price": 12.5, "ok": true, "none": nil, "qty": 10] as JSONValue,
                ["price": 12.5, "ok": true, "none": nil, "qty": 10] as JSONValue
            ),
        ])
    func scrubsJSON(input: JSONValue, expected: JSONValue) {
        #expect(scrubber.scrub(input) == expected)
    }

    @Test(
        "strings have every occurrence replaced",
        arguments: [
            ("12345678", "Individual ...678"), ("a12345678b87654321c", "aIndividual ...678bRoth IRA ...321c"),
            ("no numbers here", "no numbers here"), ("1234567", "1234567"), ("", ""),
            ("é 12345678 ü", "é Individual ...678 ü"),
        ])
    func scrubsStrings(input: String, expected: String) {
        #expect(scrubber.scrub(input) == expected)
    }

    @Test("the empty scrubber still rewrites accountNumber members, masked")
    func emptyScrubber() {
        let value: JSONValue = ["accountNumber": "12345678", "hashValue": "ABCDEF0123"]
        #expect(AccountScrubber.empty.scrub(value) == ["accountDisplay": "Account ...678"])
    }
}
