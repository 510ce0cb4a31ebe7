/// Builds the URLs the client sends and the redacted paths it logs. Pure.
public enum SchwabURL {
    /// `apiBase` + the API's base path + `path` (characters never valid in a path
    /// percent-encoded; `%` kept, so callers may pre-encode a segment) + the encoded query.
    public static func url(apiBase: String, _ request: SchwabRequest) -> String {
        var base = Substring(apiBase)
        while base.hasSuffix("/") { base = base.dropLast() }
        let path = request.path.hasPrefix("/") ? request.path : "/" + request.path
        var url = String(base) + request.service.basePath + encodePath(path)
        if !request.query.isEmpty {
            url += "?" + request.query.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
        }
        return url
    }

    /// Percent-encodes every byte outside RFC 3986's unreserved set (§2.3) for a query name or
    /// value: `$SPX` becomes `%24SPX`, a space `%20`, a comma `%2C`.
    public static func encode(_ text: String) -> String {
        escape(text) { byte in
            isAlphaNumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
        }
    }

    /// One path segment with `/` and everything outside the unreserved set encoded (a futures
    /// symbol `/ES` becomes `%2FES`), for callers that put symbols or ids in a path.
    public static func segment(_ text: String) -> String { encode(text) }

    /// A path with characters that may not appear in one (RFC 3986 §3.3) encoded; `/`, `%`,
    /// sub-delims, `:` and `@` kept.
    static func encodePath(_ path: String) -> String {
        escape(path) { byte in
            isAlphaNumeric(byte) || "-._~!$&'()*+,;=:@/%".utf8.contains(byte)
        }
    }

    /// The path as logs show it: the segment after `accounts` (an account hash, or a number in
    /// a caller's mistake) becomes `***`; `accountNumbers` stays, being no account.
    /// `/accounts/ABC/orders/42` logs as `/accounts/***/orders/42`.
    public static func redactedPath(_ path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index < segments.count {
            if segments[index] == "accounts", index + 1 < segments.count, !segments[index + 1].isEmpty,
                segments[index + 1] != "accountNumbers"
            {
                segments[index + 1] = "***"
                index += 1
            }
            index += 1
        }
        return segments.joined(separator: "/")
    }

    private static func isAlphaNumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func escape(_ text: String, keep: (UInt8) -> Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if keep(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
