import COpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL's EVP digest interface.
///
/// Used for PKCE S256 challenges (RFC 7636 §4.2), token fingerprints and rendezvous hashing;
/// one-shot because every input here is already in memory.
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest(of: $0) }
    }

    /// The SHA-256 digest of any byte sequence (copied once when not contiguous).
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        if let direct = bytes.withContiguousStorageIfAvailable({ digest(of: UnsafeRawBufferPointer($0)) }) {
            return direct
        }
        return hash(Array(bytes))
    }

    /// The SHA-256 digest of the UTF-8 encoding of `text`.
    public static func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }

    static func digest(of input: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { out in
            EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
        }
        // EVP_Digest fails only when the default provider is missing or memory runs out: the
        // process then cannot do any cryptography, which no caller could recover from. This is
        // never reached through bad input.
        precondition(ok == 1 && length == UInt32(byteCount), "OpenSSL SHA-256 is unavailable")
        return digest
    }
}
