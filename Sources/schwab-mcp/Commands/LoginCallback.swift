import EdgeCore
import EdgeCrypto
import EdgeHTTP
import Synchronization

/// The loopback `/callback` of one `schwab-mcp login` attempt: checks `state` (RFC 6749 §10.12,
/// CSRF), accepts one callback only, and hands the authorization code to `finish`, whose
/// outcome both the browser (as a page) and the command (through `outcomes`) see.
///
/// A request with a wrong or missing `state` is refused with 400 and does not end the attempt
/// (it cannot be ours; the real one may still come). The first callback with the right state
/// ends it, successful or not: a second gets 409.
final class LoginCallback: HTTPResponder {
    /// What the code exchange gave: the sentence to print on success, or why it failed.
    typealias Finish = @Sendable (_ code: String) async -> Result<String, LoginFailure>

    /// The outcome of the attempt, delivered once.
    let outcomes: AsyncStream<Result<String, LoginFailure>>
    private let continuation: AsyncStream<Result<String, LoginFailure>>.Continuation
    private let expectedState: String
    private let finish: Finish
    private let used = Mutex(false)
    private let logger: Logger

    /// A callback expecting `state` and completing the sign-in with `finish`.
    init(state: String, logger: Logger, finish: @escaping Finish) {
        expectedState = state
        self.finish = finish
        self.logger = logger
        (outcomes, continuation) = AsyncStream.makeStream(of: Result<String, LoginFailure>.self)
    }

    func respond(to request: HTTPRequest) -> HTTPReply {
        guard request.path == "/callback" else {
            return .now(Self.page("Not here", "This server only answers Schwab's /callback.", status: .notFound))
        }
        guard request.method == .get else {
            return .now(Self.page("Not here", "The callback is a GET request.", status: .methodNotAllowed))
        }
        let query = request.queryParameters
        guard let state = query.first("state"), ConstantTime.equals(state, expectedState) else {
            logger.warn("a callback with a wrong or missing state was refused")
            return .now(
                Self.page(
                    "Not this sign-in",
                    "This link does not belong to the sign-in that is waiting (its state does not match). "
                        + "Use the link that `schwab-mcp login` printed.", status: .badRequest))
        }
        let first = used.withLock { used in
            defer { used = true }
            return !used
        }
        guard first else {
            return .now(
                Self.page(
                    "Already used", "This sign-in has already been completed or refused; run `schwab-mcp login` again.",
                    status: HTTPStatus(409)))
        }
        if let error = query.first("error") {
            return .now(
                complete(
                    .failure(
                        LoginFailure("Schwab did not complete the sign-in (\(error)). Run `schwab-mcp login` again."))))
        }
        guard let code = query.first("code"), !code.isEmpty else {
            return .now(
                complete(.failure(LoginFailure("Schwab's answer carries no code. Run `schwab-mcp login` again."))))
        }
        return .later { self.complete(await self.finish(code)) }
    }

    /// Ends the attempt without a callback (Ctrl-C): the command stops waiting.
    func cancel() {
        continuation.yield(.failure(LoginFailure("the sign-in was cancelled; nothing was saved.")))
        continuation.finish()
    }

    private func complete(_ outcome: Result<String, LoginFailure>) -> HTTPResponse {
        continuation.yield(outcome)
        continuation.finish()
        switch outcome {
        case .success(let summary):
            return Self.page("Signed in", summary + " You can close this tab.", status: .ok)
        case .failure(let failure):
            return Self.page("Sign-in failed", failure.message, status: .badRequest)
        }
    }

    static func page(_ title: String, _ text: String, status: HTTPStatus) -> HTTPResponse {
        var response = HTTPResponse.html(
            """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>schwab-mcp login: \(escape(title))</title>
            </head><body style="font-family:sans-serif;max-width:36em;margin:3em auto"><h1>\(escape(title))</h1>
            <p>\(escape(text))</p></body></html>
            """, status: status)
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
            .replacingAll("\"", "&quot;")
    }
}

/// Why a login did not finish, in words the user can act on (never a token or code).
struct LoginFailure: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
