import EdgeCore

extension SchwabClient {
    /// The one line per call: debug for successes and cache hits, so production logs stay quiet.
    func log(
        _ request: SchwabRequest, status: Int, correlationId: String?, started: Double, attempts: Int, cached: Bool
    ) {
        guard logger.isEnabled(.debug) else { return }
        var fields = baseFields(request, started: started)
        fields.append(("status", .int(status)))
        fields.append(("attempts", .int(attempts)))
        fields.append(("cache", .string(cached ? "hit" : (request.cache.seconds == nil ? "off" : "miss"))))
        if let correlationId { fields.append(("correlationId", .string(correlationId))) }
        logger.debug("schwab call", fields)
    }

    /// The one line for a call that failed: warn, with the error code and Schwab's correlation id.
    func logFailure(
        _ request: SchwabRequest, kind: SchwabAPIError.Kind, status: Int?, correlationId: String?, started: Double,
        attempts: Int
    ) {
        var fields = baseFields(request, started: started)
        fields.append(("status", status.map { .int($0) } ?? .null))
        fields.append(("error", .string(kind.code)))
        fields.append(("attempts", .int(attempts)))
        if let correlationId { fields.append(("correlationId", .string(correlationId))) }
        logger.warn("schwab call failed", fields)
    }

    /// A line for each retry: what failed and how long the client waits.
    func logRetry(_ request: SchwabRequest, failure: SchwabAPIError, delay: Duration, reason: String) {
        var fields: [(String, JSONValue)] = [
            ("method", .string(request.method.rawValue)), ("service", .string(request.service.rawValue)),
            ("path", .string(SchwabURL.redactedPath(request.path))),
            ("status", failure.status.map { .int($0) } ?? .null), ("error", .string(failure.kind.code)),
            (
                "delayMs",
                .int(Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000))
            ),
            ("action", .string(reason)),
        ]
        if let correlationId = failure.correlationId { fields.append(("correlationId", .string(correlationId))) }
        logger.info("schwab call retrying", fields)
    }

    private func baseFields(_ request: SchwabRequest, started: Double) -> [(String, JSONValue)] {
        [
            ("method", .string(request.method.rawValue)), ("service", .string(request.service.rawValue)),
            ("path", .string(SchwabURL.redactedPath(request.path))),
            ("ms", .double(((options.now() - started) * 10_000).rounded() / 10)),
        ]
    }
}
