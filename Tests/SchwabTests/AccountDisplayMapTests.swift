import EdgeCore
import Testing

@testable import Schwab

/// Two accounts as Schwab's accountNumbers and userPreference answers describe them.
enum AccountFixtures {
    static let numbers: JSONValue = [
        ["accountNumber": "12345678", "hashValue": "AB12CD34EF56AB12CD34EF56AB12CD34"],
        ["accountNumber": "87654321", "hashValue": "99FF88EE77DD66CC55BB44AA33009911"],
    ]
    static let preference: JSONValue = [
        "accounts": [
            ["accountNumber": "12345678", "nickName": "Individual", "displayAcctId": "...678", "type": "BROKERAGE"],
            ["accountNumber": "87654321", "nickName": "Roth IRA", "displayAcctId": "...321", "type": "BROKERAGE"],
        ],
        "streamerInfo": [["schwabClientCorrelId": "c0ffee"]],
    ]
    static let map = AccountDisplayMap(accountNumbers: numbers, userPreference: preference)
}

@Suite("AccountDisplayMap")
struct AccountDisplayMapTests {
    @Test("display names are '<nickName> <displayAcctId>' in accountNumbers order")
    func displayNames() {
        #expect(AccountFixtures.map.displayNames == ["Individual ...678", "Roth IRA ...321"])
        #expect(AccountFixtures.map.entries[1].hash == "99FF88EE77DD66CC55BB44AA33009911")
    }

    @Test("a preference given as a one-element array (the spec's shape) gives the same map")
    func preferenceAsArray() {
        let map = AccountDisplayMap(
            accountNumbers: AccountFixtures.numbers, userPreference: .array([AccountFixtures.preference]))
        #expect(map == AccountFixtures.map)
    }

    @Test("an account missing from the preference shows as 'Account ...<last 3>'")
    func missingPreference() {
        let map = AccountDisplayMap(accountNumbers: AccountFixtures.numbers, userPreference: .object([]))
        #expect(map.displayNames == ["Account ...678", "Account ...321"])
    }

    @Test("two accounts that would show alike get their last four digits")
    func duplicates() {
        let numbers: JSONValue = [
            ["accountNumber": "11112678", "hashValue": "H1H1H1H1"],
            ["accountNumber": "22223678", "hashValue": "H2H2H2H2"],
        ]
        let preference: JSONValue = [
            "accounts": [
                ["accountNumber": "11112678", "nickName": "Joint", "displayAcctId": "...678"],
                ["accountNumber": "22223678", "nickName": "Joint", "displayAcctId": "...678"],
            ]
        ]
        let map = AccountDisplayMap(accountNumbers: numbers, userPreference: preference)
        #expect(map.displayNames == ["Joint ...2678", "Joint ...3678"])
    }

    @Test(
        "resolves a display name, nickname, last digits or hash, ignoring case and spaces",
        arguments: [
            ("Individual ...678", "12345678"), ("individual ...678", "12345678"), ("  ROTH IRA ...321 ", "87654321"),
            ("Roth IRA", "87654321"), ("roth ira", "87654321"), ("678", "12345678"), ("...321", "87654321"),
            ("5678", "12345678"), ("12345678", "12345678"), ("AB12CD34EF56AB12CD34EF56AB12CD34", "12345678"),
            ("ab12cd34ef56ab12cd34ef56ab12cd34", "12345678"), ("Individual 678", "12345678"),
            ("Individual...678", "12345678"), ("Individual (...678)", "12345678"),
        ])
    func resolves(input: String, number: String) throws {
        #expect(try AccountFixtures.map.resolve(input).number == number)
    }

    @Test(
        "an unknown account is an error listing the display names and not echoing digits",
        arguments: ["Savings", "999", "", "12349999", "Individual ...999"])
    func unknown(input: String) {
        #expect {
            try AccountFixtures.map.resolve(input)
        } throws: { error in
            guard let error = error as? AccountResolutionError else { return false }
            return error.code == "unknown_account" && error.message.contains("Individual ...678, Roth IRA ...321")
                && !error.message.contains("12349999") && error.knownAccounts.count == 2
        }
    }

    @Test("digits two accounts share are ambiguous and the error names both")
    func ambiguous() {
        let numbers: JSONValue = [
            ["accountNumber": "10000111", "hashValue": "HASHONE1"],
            ["accountNumber": "20000111", "hashValue": "HASHTWO2"],
        ]
        let preference: JSONValue = [
            "accounts": [
                ["accountNumber": "10000111", "nickName": "Cash"], ["accountNumber": "20000111", "nickName": "Margin"],
            ]
        ]
        let map = AccountDisplayMap(accountNumbers: numbers, userPreference: preference)
        #expect {
            try map.resolve("111")
        } throws: { error in
            (error as? AccountResolutionError)?.code == "ambiguous_account"
                && (error as? AccountResolutionError)?.message.contains("Cash ...111, Margin ...111") == true
        }
    }
}
