import Foundation
import Supervisor
import TestSupport
import Testing

@Suite struct CookieKeyFileTests {
    @Test func aKeyIsAppendedBelowWhatTheFileHeldAndTheFileBecomesOwnerOnly() throws {
        let folder = try TestSupport.temporaryDirectory("cookie-key")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(".dev.vars").path
        try "SCHWAB_CLIENT_ID=mine".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try CookieKeyFile.append(to: path, key: "k" + String(repeating: "0", count: 63))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") }
        #expect(lines == ["SCHWAB_CLIENT_ID=mine", "COOKIE_ENCRYPTION_KEY=k" + String(repeating: "0", count: 63)])
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }

    @Test func generatedKeysAre64HexDigitsAndDiffer() {
        let keys = (0..<8).map { _ in CookieKeyFile.generateKey() }
        #expect(keys.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
        #expect(Set(keys).count == keys.count)
    }

    @Test func anUnwritableFolderIsANamedError() {
        #expect {
            try CookieKeyFile.append(to: "/proc/no-such-folder/.dev.vars")
        } throws: { error in
            (error as? SupervisorError)?.message.contains("/proc/no-such-folder/.dev.vars") == true
        }
    }
}
