import EdgeCore
import EdgeHTTP
import EdgeNet
import Synchronization

/// Schwab's Trader and Market Data APIs for one user (one per MCP object): sends a
/// `SchwabRequest` with the user's bearer token, maps failures to `SchwabAPIError`, refreshes
/// the token once on 401, backs off on 429 and transient failures (`SchwabRetryPolicy`), and
/// keeps this user's cache of answers the caller allowed to be cached. Identical cacheable reads
/// in flight at once share one call (a caller waiting on a shared call is not cancelled with it;
/// the call ends within the upstream timeouts).
///
/// Every call logs one line (`schwab call`): method, API, path with account hashes redacted,
/// status, duration, attempts and Schwab's correlation id. Never a token, account number or hash.
public final class SchwabClient: Sendable {
    /// The API base URL (`https://api.schwabapi.com`, or the sandbox's).
    public let apiBase: String
    let upstream: UpstreamClient
    let tokens: SchwabAccessTokens
    let logger: Logger
    let options: Options
    let cache: Mutex<SchwabResponseCache>
    /// Cacheable reads on their way to Schwab, by cache key.
    let inFlight = Mutex<[String: Task<Result<SchwabResponse, SchwabAPIError>, Never>]>([:])
    let cacheSwitch: Atomic<Bool>
    /// The last token Schwab refused right after a 401 refresh, and when (monotonic seconds).
    let futileRefresh = Mutex<FutileRefresh?>(nil)

    /// A client for one user: `apiBase` without the API's base path, `upstream` shared by every
    /// client of the process, `tokens` for this user.
    public init(
        apiBase: String, upstream: UpstreamClient, tokens: SchwabAccessTokens, logger: Logger,
        options: Options = Options()
    ) {
        self.apiBase = apiBase
        self.upstream = upstream
        self.tokens = tokens
        self.logger = logger.named("schwab")
        self.options = options
        cache = Mutex(SchwabResponseCache(capacity: options.cacheCapacity, maxBytes: options.cacheMaxBytes))
        cacheSwitch = Atomic(options.cacheEnabled)
    }

    /// Sends `request` and returns Schwab's successful answer.
    ///
    /// - Throws: `SchwabAPIError`: `.signInRequired` when the Schwab sign-in is dead, otherwise
    ///   the mapped status or transport failure of the last attempt, with its correlation id.
    public func send(_ request: SchwabRequest) async throws(SchwabAPIError) -> SchwabResponse {
        let started = options.now()
        let cacheKey = cacheKey(for: request)
        if let cacheKey, let hit = cache.withLock({ $0.lookup(cacheKey, now: started) }) {
            log(
                request, status: hit.status, correlationId: hit.correlationId, started: started, attempts: 0,
                cached: true)
            return hit
        }
        guard let cacheKey, let ttl = request.cache.seconds else {
            return try await exchange(request, started: started).0
        }
        return try await shared(request, key: cacheKey, ttl: ttl, started: started)
    }

    /// Attempts until success or the retry policy gives up; returns the answer and its body size.
    func exchange(
        _ request: SchwabRequest, started: Double
    ) async throws(SchwabAPIError) -> (SchwabResponse, Int) {
        let what = "\(request.method.rawValue) \(SchwabURL.redactedPath(request.path))"
        let url = SchwabURL.url(apiBase: apiBase, request)
        var state = SchwabRetryPolicy.State()
        var token: String
        do {
            token = try await tokens.current()
        } catch {
            let mapped = SchwabErrorMapping.map(error, what: what)
            logFailure(
                request, kind: mapped.kind, status: nil, correlationId: mapped.correlationId, started: started,
                attempts: 0)
            throw mapped
        }
        while true {
            let outcome: SchwabRetryPolicy.Outcome
            let failure: SchwabAPIError
            do {
                let answer = try await upstream.send(upstreamRequest(request, url: url, token: token))
                let correlationId = answer.header("Schwab-Client-CorrelId")
                if answer.isSuccess {
                    let response = try parse(answer, correlationId: correlationId, what: what)
                    log(
                        request, status: answer.status, correlationId: correlationId, started: started,
                        attempts: state.attempts, cached: false)
                    return (response, answer.body.count)
                }
                let retryAfter = answer.header("Retry-After")
                outcome = .status(answer.status, retryAfter: retryAfter)
                failure = SchwabErrorMapping.map(
                    status: answer.status, body: answer.body, correlationId: correlationId, what: what,
                    retryAfter: retryAfter)
            } catch let error as UpstreamError {
                outcome = .transport(error.kind)
                failure = SchwabErrorMapping.map(error, what: what)
            } catch let error as SchwabAPIError {
                logFailure(
                    request, kind: error.kind, status: error.status, correlationId: error.correlationId,
                    started: started, attempts: state.attempts)
                throw error
            } catch {
                throw SchwabAPIError(.networkError, message: "Unexpected failure for \(what); try again.")
            }
            let decision = options.retry.decide(
                outcome, idempotent: request.isIdempotentRead, state: &state, random: options.random())
            switch decision {
            case .fail:
                if case .status(401, _) = outcome, state.refreshed { noteFutileRefresh(token) }
                logFailure(
                    request, kind: failure.kind, status: failure.status, correlationId: failure.correlationId,
                    started: started, attempts: state.attempts)
                throw failure
            case .refreshToken:
                if refreshWasFutile(token) {
                    // This very token came from a refresh that Schwab refused moments ago (as it
                    // does when no account is linked to the app): another refresh would not help.
                    logFailure(
                        request, kind: failure.kind, status: failure.status, correlationId: failure.correlationId,
                        started: started, attempts: state.attempts - 1)
                    throw failure
                }
                logRetry(request, failure: failure, delay: .zero, reason: "refreshing the access token")
                do {
                    token = try await tokens.replacing(token)
                } catch {
                    let mapped = SchwabErrorMapping.map(error, what: what)
                    logFailure(
                        request, kind: mapped.kind, status: failure.status, correlationId: failure.correlationId,
                        started: started, attempts: state.attempts - 1)
                    throw mapped
                }
            case .retry(let delay):
                logRetry(request, failure: failure, delay: delay, reason: "backing off")
                await options.sleep(delay)
                if Task.isCancelled {
                    throw SchwabAPIError(
                        .networkError, message: "The request \(what) was cancelled while waiting to retry.",
                        correlationId: failure.correlationId)
                }
            }
        }
    }

    private func upstreamRequest(_ request: SchwabRequest, url: String, token: String) -> UpstreamRequest {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + token)
        if let body = request.body {
            headers.add("Accept", "application/json")
            var upstream = UpstreamRequest.json(method: request.method, url: url, value: body, headers: headers)
            upstream.freshConnection = !request.isIdempotentRead
            return upstream
        }
        headers.add("Accept", "application/json")
        // Orders go out on a connection of their own, so libcurl cannot re-send them on its own.
        return UpstreamRequest(
            method: request.method, url: url, headers: headers, freshConnection: !request.isIdempotentRead)
    }

    /// The successful answer: JSON body (`.null` when empty), correlation id, Location, order id.
    private func parse(
        _ answer: UpstreamResponse, correlationId: String?, what: String
    ) throws(SchwabAPIError) -> SchwabResponse {
        var json = JSONValue.null
        if answer.body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            do {
                json = try JSONValue.parse(answer.body)
            } catch {
                throw SchwabAPIError(
                    .serverError, status: answer.status,
                    message: "Schwab's answer to \(what) is not valid JSON (\(error)). Try again shortly.",
                    correlationId: correlationId)
            }
        }
        return SchwabResponse(
            status: answer.status, json: json, correlationId: correlationId, location: answer.header("Location"))
    }
}
