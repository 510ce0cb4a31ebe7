import EdgeCore
import EdgeNet
import SchwabAuth

/// Turns Schwab's refusals and transport failures into `SchwabAPIError`s: the seed's table
/// (401 invalid_token, 403 insufficient_scope, 429 rate_limited, 5xx server_error, no response
/// network_error) plus 400 bad_request and 404 not_found carrying Schwab's own words. Pure.
public enum SchwabErrorMapping {
    /// The error for a non-2xx answer. `body` is Schwab's error body in any of its shapes:
    /// Trader's ServiceError `{message, errors: [string]}`, Market Data's ErrorResponse
    /// `{errors: [{status, title, detail, source}]}` (reference/schwab-api.md §3, §4), or none.
    public static func map(
        status: Int, body: [UInt8], correlationId: String?, what: String, retryAfter: String? = nil
    ) -> SchwabAPIError {
        let detail = schwabMessage(in: body)
        let said = detail.map { " Schwab said: \($0)" } ?? ""
        let kind: SchwabAPIError.Kind
        let message: String
        switch status {
        case 400:
            kind = .badRequest
            message = "Schwab rejected \(what) as invalid.\(said) Check the parameters and try again."
        case 401:
            kind = .invalidToken
            message =
                "Schwab refused the access token for \(what), even after refreshing it.\(said) Sign in again if this persists (a 401 also means no account is linked to this app)."
        case 403:
            kind = .insufficientScope
            message =
                "Schwab denied permission for \(what).\(said) The account may not be enabled for this app or this kind of request."
        case 404:
            kind = .notFound
            message = "Schwab found nothing for \(what).\(said) Check the account, order or symbol."
        case 429:
            kind = .rateLimited
            let wait = retryAfter.flatMap(SchwabRetryPolicy.retryAfterSeconds).map { "Schwab asked to wait \($0) s." }
            message =
                "Schwab's rate limit was hit for \(what) (about 120 calls a minute; 2-4 order changes a second). "
                + (wait ?? "Wait a minute and try again.")
        case 500...599:
            kind = .serverError
            message = "Schwab failed with HTTP \(status) on \(what).\(said) Try again shortly."
        default:
            kind = status >= 500 ? .serverError : .badRequest
            message = "Schwab answered HTTP \(status) to \(what).\(said)"
        }
        return SchwabAPIError(kind, status: status, message: message, correlationId: correlationId)
    }

    /// The error for a call that got no answer.
    public static func map(_ error: UpstreamError, what: String) -> SchwabAPIError {
        let reason: String
        switch error.kind {
        case .timeout: reason = "Schwab did not answer in time"
        case .connect: reason = "Schwab could not be reached"
        case .tls: reason = "the secure connection to Schwab failed"
        case .cancelled: reason = "the request was cancelled"
        case .invalidURL, .invalidRequest: reason = "the request could not be built (check SCHWAB_API_BASE)"
        case .network: reason = "the connection to Schwab broke"
        }
        return SchwabAPIError(
            .networkError, message: "\(reason.capitalizedFirst) for \(what): \(error.message). Try again shortly.")
    }

    /// The error when no access token could be had: a dead sign-in asks the user to sign in again.
    public static func map(_ error: AuthError, what: String) -> SchwabAPIError {
        if error.kind == .tokenRefresh {
            return SchwabAPIError(
                .signInRequired, message: error.message, correlationId: error.upstreamCorrelationId)
        }
        let kind: SchwabAPIError.Kind
        switch error.kind.code {
        case "rate_limited": kind = .rateLimited
        case "network_error": kind = .networkError
        case "invalid_token": kind = .invalidToken
        default: kind = .serverError
        }
        return SchwabAPIError(
            kind, message: "Could not get a Schwab access token for \(what): \(error.message)",
            correlationId: error.upstreamCorrelationId)
    }

    /// Schwab's human message from an error body, shortened to 300 characters; nil when the
    /// body is empty or not one of Schwab's shapes.
    public static func schwabMessage(in body: [UInt8]) -> String? {
        guard !body.isEmpty, let json = try? JSONValue.parse(body) else { return nil }
        var parts: [String] = []
        if let message = json["message"]?.stringValue, !message.isEmpty { parts.append(message) }
        for entry in json["errors"]?.arrayValue ?? [] {
            if let text = entry.stringValue, !text.isEmpty, !parts.contains(text) { parts.append(text) }
            if let detail = entry["detail"]?.stringValue ?? entry["title"]?.stringValue, !parts.contains(detail) {
                var text = detail
                if let parameter = entry["source"]?["parameter"]?.stringValue { text += " (parameter \(parameter))" }
                parts.append(text)
            }
        }
        if parts.isEmpty, let description = json["error_description"]?.stringValue { parts.append(description) }
        guard !parts.isEmpty else { return nil }
        let joined = parts.joined(separator: "; ")
        return joined.count > 300 ? String(joined.prefix(297)) + "..." : joined
    }
}

extension String {
    /// The string with its first character uppercased.
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
