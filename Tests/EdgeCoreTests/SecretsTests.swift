import EdgeCore
import Foundation
import TestSupport
import Testing

@Suite("Secrets and .dev.vars")
struct SecretsTests {
    static let dotenvRows: [(String, String, String)] = [
        ("KEY=value", "KEY", "value"),
        ("export KEY=value", "KEY", "value"),
        ("  KEY = spaced value  ", "KEY", "spaced value"),
        ("KEY=\"double # not a comment\"", "KEY", "double # not a comment"),
        ("KEY='single \\n literal'", "KEY", "single \\n literal"),
        ("KEY=\"esc\\n\\t\\\"q\\\\\"", "KEY", "esc\n\t\"q\\"),
        ("KEY=bare # a comment", "KEY", "bare"),
        ("KEY=with#hash", "KEY", "with#hash"),
        ("KEY=", "KEY", ""),
        ("KEY=a=b=c", "KEY", "a=b=c"),
        ("KEY=\"quoted\" # comment", "KEY", "quoted"),
        ("KEY=crlf\r", "KEY", "crlf"),
    ]

    @Test("dotenv lines read as wrangler reads them", arguments: dotenvRows)
    func dotenvLine(line: String, name: String, value: String) {
        let (entries, problems) = DotEnvParser.parse("# header\n\n" + line + "\n")
        #expect(problems.isEmpty)
        #expect(entries.map(\.name) == [name])
        #expect(entries.first?.value == value)
        #expect(entries.first?.line == 3)
    }

    @Test("bad dotenv lines are reported by line, never with their value")
    func dotenvProblems() {
        let text =
            "GOOD=1\nno equals sign secretvalue1\n9BAD=secretvalue2\nQ=\"unterminated secretvalue3\nR='x' trailing\n"
        let (entries, problems) = DotEnvParser.parse(text, fileName: ".dev.vars")
        #expect(entries.map(\.name) == ["GOOD"])
        #expect(
            problems.map(\.description) == [
                ".dev.vars line 2: expected NAME=value",
                ".dev.vars line 3: expected a name of letters, digits and '_' before '='",
                ".dev.vars line 4: unterminated quoted value: expected \"",
                ".dev.vars line 5: unexpected text after the closing quote",
            ])
        #expect(!problems.map(\.description).joined().contains("secretvalue"))
    }

    @Test("description, debugDescription, interpolation and dump never show a value")
    func neverPrinted() {
        let secrets = Secrets(["SCHWAB_CLIENT_SECRET": "cs-VALUE-1", "COOKIE_ENCRYPTION_KEY": "ck-VALUE-2"])
        var dumped = ""
        dump(secrets, to: &dumped)
        for text in [secrets.description, secrets.debugDescription, "\(secrets)", String(reflecting: secrets), dumped] {
            #expect(!text.contains("VALUE"), "leaked in: \(text)")
        }
        #expect(secrets.description.contains("SCHWAB_CLIENT_SECRET"))
        #expect(secrets.clientSecret == "cs-VALUE-1")
    }

    @Test("require lists every missing secret and where to put it")
    func requireMissing() {
        let secrets = Secrets(["SCHWAB_CLIENT_ID": "id", "SCHWAB_CLIENT_SECRET": ""])
        #expect(throws: Never.self) { try secrets.require(["SCHWAB_CLIENT_ID"]) }
        do {
            try secrets.require([Secrets.schwabClientID, Secrets.schwabClientSecret, Secrets.cookieEncryptionKey])
            Issue.record("expected missing secrets")
        } catch {
            #expect(
                error.messages == [
                    "SCHWAB_CLIENT_SECRET: missing, expected a secret set in the environment or in .dev.vars",
                    "COOKIE_ENCRYPTION_KEY: missing, expected a secret set in the environment or in .dev.vars",
                ])
        }
        #expect(!secrets.hasSchwabCredentials)
    }
}

@Suite("Config loading from real files")
struct ConfigLoaderFileTests {
    func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = try TestSupport.temporaryDirectory("config-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test(".dev.vars next to the config supplies secrets; the environment wins")
    func devVarsAndEnvironment() throws {
        try withFolder { folder in
            try write("name = \"t\"\n", folder.appendingPathComponent("conf/wrangler.toml"))
            try write(
                "SCHWAB_CLIENT_ID=from-file\nexport SCHWAB_CLIENT_SECRET='file-secret'\nLOG_LEVEL=debug\n",
                folder.appendingPathComponent("conf/.dev.vars"))
            let (config, secrets) = try ConfigLoader.load(
                path: "conf/wrangler.toml", environment: ["SCHWAB_CLIENT_ID": "from-env", "UNRELATED": "x"],
                currentDirectory: folder.path)
            #expect(config.sourcePath == folder.path + "/conf/wrangler.toml")
            #expect(config.runtime.dataDir == folder.path + "/conf/.data")
            #expect(config.logLevel == .debug)
            #expect(secrets.clientID == "from-env")
            #expect(secrets.source(of: Secrets.schwabClientID) == .environment)
            #expect(secrets.clientSecret == "file-secret")
            #expect(secrets.source(of: Secrets.schwabClientSecret) == .devVars)
            #expect(secrets["UNRELATED"] == nil)
            #expect(secrets.hasSchwabCredentials)
        }
    }

    @Test("without --config and without ./wrangler.toml the defaults are used")
    func missingDefaultFile() throws {
        try withFolder { folder in
            let (config, _) = try ConfigLoader.load(path: nil, environment: [:], currentDirectory: folder.path)
            #expect(config.sourcePath == nil)
            #expect(config.runtime.dataDir == folder.path + "/.data")
        }
    }

    @Test("an explicit --config that does not exist is an error")
    func missingExplicitFile() throws {
        try withFolder { folder in
            #expect(throws: ConfigErrors.self) {
                try ConfigLoader.load(path: "nope.toml", environment: [:], currentDirectory: folder.path)
            }
        }
    }

    @Test("TLS files are checked on disk; bad secrets are listed with file errors")
    func tlsFilesAndSecrets() throws {
        try withFolder { folder in
            try write("cert", folder.appendingPathComponent("tls/cert.pem"))
            try write(
                "[runtime]\ntls_certificate = \"tls/cert.pem\"\ntls_private_key = \"tls/key.pem\"\n",
                folder.appendingPathComponent("wrangler.toml"))
            try write(
                "SCHWAB_REDIRECT_URI=not-a-url-SECRETISH\nbroken line\n", folder.appendingPathComponent(".dev.vars"))
            do throws(ConfigErrors) {
                _ = try ConfigLoader.load(path: nil, environment: [:], currentDirectory: folder.path)
                Issue.record("expected errors")
            } catch {
                #expect(
                    error.messages == [
                        "runtime.tls_private_key: invalid value, expected an existing readable file, received '\(folder.path)/tls/key.pem'",
                        "\(folder.path)/.dev.vars line 2: expected NAME=value",
                        "SCHWAB_REDIRECT_URI: invalid value, expected an http(s) URL, received '[REDACTED]'",
                    ])
            }
            try write("key", folder.appendingPathComponent("tls/key.pem"))
            try write("SCHWAB_REDIRECT_URI=https://x.example/callback\n", folder.appendingPathComponent(".dev.vars"))
            let (config, _) = try ConfigLoader.load(path: nil, environment: [:], currentDirectory: folder.path)
            #expect(config.runtime.tlsEnabled)
            #expect(config.runtime.publicURL == "https://127.0.0.1:8788")
        }
    }
}
