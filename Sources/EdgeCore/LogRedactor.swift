/// The redaction rules every log record passes through (see `Logger`), kept in one place so
/// that no caller can forget them.
///
/// - A field whose key names a secret (access_token, refresh_token, id_token, authorization,
///   client_secret, code, code_verifier, cookie, set-cookie, password, ...) becomes `[REDACTED]`,
///   whatever its type, at any depth. Keys match case-insensitively and ignore `_`/`-`, so
///   `Set-Cookie`, `client-secret` and `clientSecret` all match; a key that ends in a credential
///   name (`<any>_client_secret`, `<any>_encryption_key`) matches too, so an upstream's own
///   prefixed names need no entry here.
/// - A field whose key names an account (accountNumber, account_number, accountId, ...) keeps only
///   the last three digits of every number in it: `123456789` becomes `...789`.
/// - Every string (messages and values) has Bearer tokens, secret `key=value` / `"key":"value"` /
///   `Header: value` pairs, and digit runs of 8 or more masked (see `redact(text:)`).
public enum LogRedactor {
    /// The text that replaces a secret.
    public static let redacted = "[REDACTED]"

    /// Secret key names, normalized (lowercase, without `_`, `-` or `.`).
    static let secretKeys: Set<String> = [
        "accesstoken", "refreshtoken", "idtoken", "token", "authorization", "proxyauthorization",
        "clientsecret", "code", "codeverifier", "cookie", "setcookie", "password",
        "passwd", "secret", "apikey", "xapikey", "cookieencryptionkey", "encryptionkey",
    ]

    /// Endings that make any key a secret (`schwab_client_secret`, `cookie_encryption_key`).
    static let secretSuffixes = ["clientsecret", "encryptionkey"]

    /// Account key names, normalized.
    static let accountKeys: Set<String> = [
        "accountnumber", "accountnumbers", "accountid", "accountids", "account", "accountno",
    ]

    /// True when `key` names a secret whose value must never be logged.
    public static func isSecretKey(_ key: String) -> Bool { isSecret(normalized: normalize(key)) }

    /// True when `key` names an account number, whose value is masked to its last three digits.
    public static func isAccountKey(_ key: String) -> Bool { accountKeys.contains(normalize(key)) }

    /// Redacts a field's value according to its key and its content, recursively.
    public static func redact(key: String, value: JSONValue) -> JSONValue {
        let normalized = normalize(key)
        if isSecret(normalized: normalized) {
            if case .null = value { return .null }
            return .string(redacted)
        }
        if accountKeys.contains(normalized) { return maskAccount(value) }
        return redact(value: value)
    }

    private static func isSecret(normalized key: String) -> Bool {
        secretKeys.contains(key) || secretSuffixes.contains { key.hasSuffix($0) }
    }

    /// Redacts a value that has no key of its own (an array element, a top-level value).
    public static func redact(value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text: text))
        case .array(let items): return .array(items.map { redact(value: $0) })
        case .object(let members): return .object(members.map { ($0.0, redact(key: $0.0, value: $0.1)) })
        case .null, .bool, .int, .double: return value
        }
    }

    /// Masks an account number to its last three digits: `"123456789"` becomes `"...789"`.
    ///
    /// Every run of 4 or more digits in the text is masked, so `"Individual-...789"` (already a
    /// display name) is left as it is.
    public static func maskAccountNumber(_ text: String) -> String {
        maskDigitRuns(in: text, minimumLength: 4, requireBareToken: false)
    }

    private static func maskAccount(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text: maskAccountNumber(text)))
        case .int(let number): return .string(maskAccountNumber(String(number)))
        case .double(let number):
            return number.isFinite && number == number.rounded() && abs(number) < 1e18
                ? .string(maskAccountNumber(String(Int64(number)))) : value
        case .array(let items): return .array(items.map(maskAccount))
        case .object(let members): return .object(members.map { ($0.0, redact(key: $0.0, value: $0.1)) })
        case .null, .bool: return value
        }
    }

    /// Lowercases ASCII and drops `_`, `-` and `.`, so all spellings of a key compare equal.
    static func normalize(_ key: String) -> String {
        var out = ""
        out.reserveCapacity(key.utf8.count)
        for scalar in key.unicodeScalars {
            switch scalar {
            case "_", "-", ".": continue
            case "A"..."Z": out.unicodeScalars.append(Unicode.Scalar(scalar.value + 32)!)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
