import EdgeNet
import SchwabAuth
import Testing

@testable import Schwab

/// Schwab's refusals and transport failures as the errors tools show.
@Suite struct SchwabErrorMappingTests {
    static let table: [(Int, SchwabAPIError.Kind, String)] = [
        (400, .badRequest, "bad_request"), (401, .invalidToken, "invalid_token"),
        (403, .insufficientScope, "insufficient_scope"), (404, .notFound, "not_found"),
        (429, .rateLimited, "rate_limited"), (500, .serverError, "server_error"), (502, .serverError, "server_error"),
        (503, .serverError, "server_error"), (504, .serverError, "server_error"), (418, .badRequest, "bad_request"),
    ]

    @Test(arguments: table.indices)
    func statusesMapToTheSeedKinds(_ index: Int) {
        let (status, kind, code) = Self.table[index]
        let error = SchwabErrorMapping.map(status: status, body: [], correlationId: "corr-1", what: "GET /quotes")
        #expect(error.kind == kind && error.code == code && error.status == status)
        #expect(error.correlationId == "corr-1")
        #expect(error.message.contains("GET /quotes"))
        #expect(error.description.contains("corr-1") && error.description.hasPrefix(code))
    }

    @Test func aRateLimitNamesTheWaitSchwabAskedFor() {
        let asked = SchwabErrorMapping.map(
            status: 429, body: [], correlationId: nil, what: "GET /quotes", retryAfter: "60")
        #expect(asked.message.hasSuffix("Schwab asked to wait 60 s."))
        let unsaid = SchwabErrorMapping.map(status: 429, body: [], correlationId: nil, what: "GET /quotes")
        #expect(unsaid.message.hasSuffix("Wait a minute and try again."))
    }

    @Test func traderServiceErrorMessagesAreQuoted() {
        let body = Array(#"{"message":"Invalid order","errors":["quantity must be positive"]}"#.utf8)
        let error = SchwabErrorMapping.map(
            status: 400, body: body, correlationId: nil, what: "POST /accounts/***/orders")
        #expect(error.message.contains("Schwab said: Invalid order; quantity must be positive"))
        #expect(error.correlationId == nil)
    }

    @Test func marketDataErrorResponsesAreQuotedWithTheParameter() {
        let body = Array(
            #"{"errors":[{"id":"x","status":"400","title":"Bad Request","detail":"fields is invalid","source":{"parameter":"fields"}}]}"#
                .utf8)
        #expect(SchwabErrorMapping.schwabMessage(in: body) == "fields is invalid (parameter fields)")
    }

    @Test(arguments: ["", "not json", "[]", "{}", #"{"other":1}"#])
    func bodiesWithoutAMessageGiveNone(_ text: String) {
        #expect(SchwabErrorMapping.schwabMessage(in: Array(text.utf8)) == nil)
        let error = SchwabErrorMapping.map(status: 404, body: Array(text.utf8), correlationId: nil, what: "GET /x")
        #expect(!error.message.contains("Schwab said"))
    }

    @Test func longMessagesAreShortened() {
        let body = Array((#"{"message":""# + String(repeating: "x", count: 1000) + #""}"#).utf8)
        #expect(SchwabErrorMapping.schwabMessage(in: body)?.count == 300)
    }

    @Test(arguments: [
        UpstreamError.Kind.connect, .timeout, .tls, .network, .invalidURL, .invalidRequest, .cancelled,
    ])
    func transportFailuresAreNetworkErrors(_ kind: UpstreamError.Kind) {
        let error = SchwabErrorMapping.map(UpstreamError(kind, "to 127.0.0.1:1"), what: "GET /quotes")
        #expect(error.kind == .networkError && error.status == nil && error.code == "network_error")
        #expect(error.message.contains("GET /quotes") && error.message.contains("127.0.0.1:1"))
    }

    @Test func aDeadSignInAsksTheUserToSignInAgain() {
        let auth = AuthError(.tokenRefresh, SchwabAPIError.signInMessage, upstreamCorrelationId: "c-9")
        let error = SchwabErrorMapping.map(auth, what: "GET /accounts")
        #expect(error.kind == .signInRequired && error.code == "sign_in_required")
        #expect(error.message.contains("Sign in again") && error.correlationId == "c-9")
    }

    @Test(arguments: [
        (AuthError.Kind.networkError, SchwabAPIError.Kind.networkError), (.rateLimited, .rateLimited),
        (.storageError, .serverError), (.serverError, .serverError),
    ])
    func otherTokenFailuresKeepTheirKind(_ kind: AuthError.Kind, _ expected: SchwabAPIError.Kind) {
        let error = SchwabErrorMapping.map(AuthError(kind, "kv down"), what: "GET /accounts")
        #expect(error.kind == expected && error.message.contains("kv down"))
    }
}
