import EdgeCore
import EdgeHTTP
import Foundation

/// A refusal the sandbox answers with, in the error shape of the API family that raised it.
///
/// Schwab uses three shapes: Trader's ServiceError `{message, errors}` ([T] components), Market
/// Data's ErrorResponse `{errors: [{id, status, title, detail, source}]}` ([M] components), and
/// OAuth's `{error, error_description}` (RFC 6749 §5.2). The same struct renders as any of them.
public struct SandboxError: Error, Sendable, Equatable {
    /// A stable machine-readable code (`invalid_grant`, `bad_request`, `rate_limited`, ...).
    public let code: String
    /// The HTTP status to answer with.
    public let status: Int
    /// What went wrong and what to do about it.
    public let message: String
    /// Details, one per problem (Trader's `errors`, Market Data's `detail`).
    public let details: [String]
    /// For Market Data: the query parameter at fault, if any.
    public let parameter: String?

    /// An error with every field given.
    public init(code: String, status: Int, message: String, details: [String] = [], parameter: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.parameter = parameter
    }

    /// 400 with a message and details.
    public static func badRequest(
        _ message: String, _ details: [String] = [], parameter: String? = nil
    )
        -> SandboxError
    {
        SandboxError(code: "bad_request", status: 400, message: message, details: details, parameter: parameter)
    }

    /// 404 for something addressed that does not exist.
    public static func notFound(_ message: String) -> SandboxError {
        SandboxError(code: "not_found", status: 404, message: message)
    }

    /// 401 for a missing, unknown or expired access token.
    public static let unauthorized = SandboxError(
        code: "unauthorized", status: 401,
        message: "Client not authorized: the access token is missing, unknown or expired; refresh it or log in again")

    /// Trader's ServiceError body.
    public var traderBody: JSONValue {
        .object([
            ("message", .string(message)),
            ("errors", .array((details.isEmpty ? [message] : details).map { .string($0) })),
        ])
    }

    /// Market Data's ErrorResponse body.
    public var marketDataBody: JSONValue {
        var source: [(String, JSONValue)] = []
        if let parameter { source.append(("parameter", .string(parameter))) }
        if status == 401 { source.append(("header", "Authorization")) }
        let entries: [JSONValue] = (details.isEmpty ? [message] : details).map { detail in
            .object([
                ("id", .string(UUID().uuidString.lowercased())), ("status", .string(String(status))),
                ("title", .string(HTTPStatus.standardReason(status))), ("detail", .string(detail)),
                ("source", .object(source)),
            ])
        }
        return .object([("errors", .array(entries))])
    }

    /// The OAuth error body of RFC 6749 §5.2.
    public var oauthBody: JSONValue {
        .object([("error", .string(code)), ("error_description", .string(message))])
    }
}

/// Which API family a request belongs to, which decides the error body's shape.
public enum SandboxAPI: Sendable {
    case trader, marketData, oauth, admin

    /// The family of the path.
    public static func of(path: Substring) -> SandboxAPI {
        if path.hasPrefix("/trader/") { return .trader }
        if path.hasPrefix("/marketdata/") { return .marketData }
        if path.hasPrefix("/admin") { return .admin }
        return .oauth
    }

    /// `error` as this family's JSON response.
    public func response(for error: SandboxError) -> HTTPResponse {
        let body: JSONValue
        switch self {
        case .trader, .admin: body = error.traderBody
        case .marketData: body = error.marketDataBody
        case .oauth: body = error.oauthBody
        }
        var response = HTTPResponse.json(body.jsonText, status: HTTPStatus(error.status))
        if self == .oauth { response.headers.set("Cache-Control", "no-store") }
        return response
    }
}
