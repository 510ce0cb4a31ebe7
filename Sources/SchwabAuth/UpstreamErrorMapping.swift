import EdgeNet

/// The seed's error mapping (`src/auth/errorMapping.ts`): an upstream Schwab answer or transport
/// failure becomes an `AuthError` the MCP client can act on.
///
/// 401 -> invalid_token, 403 -> insufficient_scope, 429 -> rate_limited, 5xx -> server_error, a
/// transport failure -> network_error; Schwab's `Schwab-Client-CorrelId` is kept for support.
public enum UpstreamErrorMapping {
    /// Maps a non-2xx Schwab response; `what` names the call ("the token exchange").
    public static func map(status: Int, correlationId: String?, what: String) -> AuthError {
        let kind: AuthError.Kind
        let message: String
        switch status {
        case 401:
            kind = .invalidToken
            message = "Schwab refused the credentials for \(what) (401); sign in again."
        case 403:
            kind = .insufficientScope
            message = "Schwab denied \(what) (403): the account lacks the permission."
        case 429:
            kind = .rateLimited
            message = "Schwab is rate limiting \(what) (429); wait a minute and retry."
        case 500...599:
            kind = .serverError
            message = "Schwab failed \(what) with \(status); retry shortly."
        default:
            kind = .serverError
            message = "Schwab answered \(what) with an unexpected \(status)."
        }
        return AuthError(kind, message, upstreamCorrelationId: correlationId)
    }

    /// Maps a transport failure (DNS, connect, TLS, timeout) to network_error.
    public static func map(_ error: UpstreamError, what: String) -> AuthError {
        AuthError(
            .networkError, "Could not reach Schwab for \(what): \(error.kind.rawValue). Check the network and retry.")
    }
}
