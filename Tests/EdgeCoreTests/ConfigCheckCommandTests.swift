import EdgeCore
import Foundation
import TestSupport
import Testing

/// `schwab-mcp config check` run as a real child process against real files.
@Suite("schwab-mcp config check", .realWorld)
struct ConfigCheckCommandTests {
    func runCheck(
        _ arguments: [String], in folder: URL, environment: [String: String] = [:]
    ) async throws -> CommandResult {
        let child = try ChildProcess(
            ["config", "check"] + arguments, environment: environment, logDirectory: folder, currentDirectory: folder)
        let status = try #require(await child.waitForExit())
        return (status, child.stdoutText, child.stderrText)
    }

    @Test("a valid configuration prints resolved, secrets redacted, exit 0")
    func validPrintsRedacted() async throws {
        let folder = try TestSupport.temporaryDirectory("config-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name = \"demo\"\n[runtime]\nport = 9123\n".write(
            to: folder.appendingPathComponent("wrangler.toml"), atomically: true, encoding: .utf8)
        try "COOKIE_ENCRYPTION_KEY=cookie-key-VALUE\n".write(
            to: folder.appendingPathComponent(".dev.vars"), atomically: true, encoding: .utf8)
        let env = ["SCHWAB_CLIENT_SECRET": "client-secret-VALUE", "LOG_LEVEL": "info"]

        let text = try await runCheck([], in: folder, environment: env)
        #expect(text.status == 0, "stderr: \(text.error)")
        #expect(text.output.contains("name = demo"))
        #expect(text.output.contains("port = 9123"))
        #expect(text.output.contains("SCHWAB_CLIENT_SECRET = [REDACTED] (from environment)"))
        #expect(text.output.contains("COOKIE_ENCRYPTION_KEY = [REDACTED] (from .dev.vars)"))
        #expect(!text.output.contains("VALUE") && !text.error.contains("VALUE"))

        let json = try await runCheck(["--json", "--hosts", "3"], in: folder, environment: env)
        #expect(json.status == 0, "stderr: \(json.error)")
        let value = try JSONValue.parse(json.output)
        #expect(value["name"] == "demo")
        #expect(value["runtime"]?["hosts"] == 3)
        #expect(value["runtime"]?["data_dir"]?.stringValue?.hasSuffix("/.data") == true)
        #expect(value["secrets"]?["SCHWAB_CLIENT_ID"] == "(not set)")
        #expect(value["secrets"]?["SCHWAB_CLIENT_SECRET"] == "[REDACTED] (from environment)")
    }

    @Test("an invalid configuration lists every error on stderr, exit 1")
    func invalidListsErrors() async throws {
        let folder = try TestSupport.temporaryDirectory("config-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("custom.toml")
        try "[vars]\nLOG_LEVEL = \"DEBUG\"\n[runtime]\nport = 70000\n".write(
            to: path, atomically: true, encoding: .utf8)
        let result = try await runCheck(
            ["--config", path.path, "--hosts", "0"], in: folder, environment: ["LOG_LEVEL": ""])
        #expect(result.status == 1)
        let lines = result.error.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "LOG_LEVEL: invalid value, expected one of trace|debug|info|warn|error|fatal, received 'DEBUG'",
                "runtime.port: invalid value, expected an integer from 1 to 65535, received '70000'",
                "runtime.hosts (--hosts): invalid value, expected an integer from 1 to 64, received '0'",
            ])
        #expect(result.output.isEmpty)
    }

    @Test("'config' without a word prints help and exits 0")
    func helpWithoutWord() async throws {
        let folder = try TestSupport.temporaryDirectory("config-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let child = try ChildProcess(["config"], logDirectory: folder, currentDirectory: folder)
        #expect(await child.waitForExit() == 0)
        #expect(child.stdoutText.contains("usage: schwab-mcp config check"))
    }
}
