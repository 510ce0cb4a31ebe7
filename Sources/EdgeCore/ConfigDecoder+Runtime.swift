#if canImport(Glibc)
    import Glibc
#endif

/// `[runtime]`: our own processes' settings. Unknown keys are errors, since a misspelt key here
/// would otherwise silently fall back to a default.
extension ConfigDecoder {
    static let runtimeKeys = [
        "public_url", "listen_address", "port", "tls_certificate", "tls_private_key", "hosts", "idle_timeout",
        "socket_dir", "data_dir", "auth", "shutdown_grace",
    ]
    /// Room left in a Unix socket path (sun_path holds 108 bytes with its NUL) for `/host-NNN.sock`.
    static let maxSocketDirBytes = 92

    mutating func decodeRuntime(_ value: TOMLValue?) -> Config.Runtime? {
        let table = self.table(value, "runtime") ?? TOMLTable()
        rejectUnknownKeys(table, in: "runtime", known: Self.runtimeKeys)
        let before = problems.count

        let port = integer(
            overrides.port.map(TOMLValue.integer) ?? table["port"], key("port", flag: overrides.port != nil),
            range: 1...65535, default: 8788)
        let hosts = integer(
            overrides.hosts.map(TOMLValue.integer) ?? table["hosts"], key("hosts", flag: overrides.hosts != nil),
            range: 1...64, default: 2)
        let idleTimeout = duration(
            overrides.idleTimeout.map(TOMLValue.string) ?? table["idle_timeout"],
            key("idle_timeout", flag: overrides.idleTimeout != nil), range: .seconds(1)...(.seconds(7 * 86400)),
            default: .seconds(600))
        let shutdownGrace = duration(
            table["shutdown_grace"], "runtime.shutdown_grace", range: .zero...(.seconds(600)), default: .seconds(10))

        let addressKey = key("listen_address", flag: overrides.listenAddress != nil)
        let addressExpected = "an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::1"
        let listenAddress =
            overrides.listenAddress ?? string(table["listen_address"], addressKey, expected: addressExpected)
            ?? "127.0.0.1"
        let isIPv6 = Self.isIPv6(listenAddress)
        if !isIPv6 && !Self.isIPv4(listenAddress) {
            problems.append(.invalid(addressKey, expected: addressExpected, received: listenAddress))
        }

        let authKey = key("auth", flag: overrides.auth != nil)
        let authText = overrides.auth ?? string(table["auth"], authKey, expected: "oauth or none") ?? "oauth"
        let auth = Config.AuthMode(rawValue: authText)
        if auth == nil { problems.append(.invalid(authKey, expected: "one of oauth|none", received: authText)) }

        let dataDir = folder(overrides.dataDir, table["data_dir"], "data_dir", default: ".data")
        let socketDir = folder(overrides.socketDir, table["socket_dir"], "socket_dir", default: ".data/sockets")
        if socketDir.utf8.count > Self.maxSocketDirBytes {
            problems.append(
                .invalid(
                    key("socket_dir", flag: overrides.socketDir != nil),
                    expected: "a folder path of at most \(Self.maxSocketDirBytes) bytes (Unix socket paths are short)",
                    received: socketDir))
        }

        let (certificate, privateKey) = decodeTLS(table)
        let scheme = certificate != nil && privateKey != nil ? "https" : "http"
        let host = listenAddress == "0.0.0.0" ? "127.0.0.1" : listenAddress == "::" ? "::1" : listenAddress
        let defaultURL = "\(scheme)://\(isIPv6 ? "[\(host)]" : host):\(port)"
        let urlKey = key("public_url", flag: overrides.publicURL != nil)
        let urlExpected = "an http(s) URL such as https://mcp.example.com"
        let explicitURL = overrides.publicURL ?? string(table["public_url"], urlKey, expected: urlExpected)
        let url = explicitURL ?? defaultURL
        if let explicitURL, !Self.isHTTPURL(explicitURL) {
            problems.append(.invalid(urlKey, expected: urlExpected, received: explicitURL))
        }

        guard problems.count == before, let auth else { return nil }
        return Config.Runtime(
            publicURL: url.hasSuffix("/") ? String(url.dropLast()) : url, listenAddress: listenAddress, port: port,
            tlsCertificate: certificate, tlsPrivateKey: privateKey, hosts: hosts, idleTimeout: idleTimeout,
            socketDir: socketDir, dataDir: dataDir, auth: auth, shutdownGrace: shutdownGrace)
    }

    private func key(_ name: String, flag: Bool) -> String {
        flag ? "runtime.\(name) (--\(String(name.map { $0 == "_" ? "-" : $0 })))" : "runtime.\(name)"
    }

    private mutating func integer(_ value: TOMLValue?, _ key: String, range: ClosedRange<Int>, default: Int) -> Int {
        guard let value else { return `default` }
        guard case .integer(let number) = value, range.contains(number) else {
            problems.append(
                .invalid(
                    key, expected: "an integer from \(range.lowerBound) to \(range.upperBound)",
                    received: value.sourceText))
            return `default`
        }
        return number
    }

    private mutating func duration(
        _ value: TOMLValue?, _ key: String, range: ClosedRange<Duration>, default: Duration
    ) -> Duration {
        guard let value else { return `default` }
        let expected =
            "a duration from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
            + " such as \"30s\", \"10m\", \"1h\" or whole seconds"
        let parsed: Duration?
        switch value {
        case .integer(let seconds): parsed = seconds >= 0 ? .seconds(seconds) : nil
        case .string(let text): parsed = DurationText.parse(text)
        default: parsed = nil
        }
        guard let parsed, range.contains(parsed) else {
            problems.append(.invalid(key, expected: expected, received: value.sourceText))
            return `default`
        }
        return parsed
    }

    /// A folder from a flag (relative to the current directory) or the file (relative to the file's folder).
    private mutating func folder(_ flag: String?, _ value: TOMLValue?, _ name: String, default: String) -> String {
        if let flag {
            if flag.isEmpty {
                problems.append(.invalid(key(name, flag: true), expected: "a folder path", received: flag))
            }
            return Self.resolve(flag, against: currentDirectory)
        }
        let text = string(value, "runtime.\(name)", expected: "a folder path") ?? `default`
        if text.isEmpty { problems.append(.invalid("runtime.\(name)", expected: "a folder path", received: text)) }
        return Self.resolve(text, against: baseDirectory)
    }

    /// Both TLS files or neither, and each must exist.
    private mutating func decodeTLS(_ table: TOMLTable) -> (String?, String?) {
        let expected = "a path to a PEM file"
        let certificate = string(table["tls_certificate"], "runtime.tls_certificate", expected: expected)
            .map { Self.resolve($0, against: baseDirectory) }
        let privateKey = string(table["tls_private_key"], "runtime.tls_private_key", expected: expected)
            .map { Self.resolve($0, against: baseDirectory) }
        if (certificate == nil) != (privateKey == nil) {
            let missing = certificate == nil ? "runtime.tls_certificate" : "runtime.tls_private_key"
            problems.append(
                .missing(missing, expected: "tls_certificate and tls_private_key to be set together, or neither"))
        }
        for (name, path) in [("runtime.tls_certificate", certificate), ("runtime.tls_private_key", privateKey)] {
            if let path, !fileExists(path) {
                problems.append(.invalid(name, expected: "an existing readable file", received: path))
            }
        }
        return (certificate, privateKey)
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// An absolute http or https URL with a host and no query or fragment (RFC 3986 §3).
    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !text.contains("?"), !text.contains("#"), !text.contains(" "),
            !authority.contains("@")
        else { return false }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            let port = authority[authority.index(after: close)...]
            return port.isEmpty
                || (port.hasPrefix(":") && Int(port.dropFirst()).map { (1...65535).contains($0) } == true)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return false }
        if parts.count == 2 { return Int(parts[1]).map { (1...65535).contains($0) } ?? false }
        return true
    }
}
