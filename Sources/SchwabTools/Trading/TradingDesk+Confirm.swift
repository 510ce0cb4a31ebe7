import MCP

extension TradingDesk {
    /// The answer to "send this?": yes, or no (nothing is sent and the result says so).
    enum Consent: Sendable {
        /// The user said yes: by elicitation, or earlier with a previewed confirmation id.
        case confirmed
        /// The user said no or dismissed the question.
        case declined(String)
    }

    /// The one form field of the question (MCP elicitation takes a flat object of primitives).
    static let question = ToolSchema([
        .boolean("confirm", description: "Send this to Schwab? Leave unchecked or decline to send nothing.")
    ])

    /// Asks the user to confirm `prepared` by elicitation when the client can be asked; otherwise
    /// requires a confirmation id from previewOrder for exactly this order (MCP 2025-11-25,
    /// client/elicitation: a form with one boolean).
    func confirm(
        _ prepared: Prepared, _ arguments: ToolArguments, context: ToolContext, trail: inout Trail
    )
        async throws(TradingError) -> Consent
    {
        let canAsk = context.session.clientCapabilities["elicitation"] != nil
        if canAsk {
            if let failure = await record(trail, .confirmationRequested, detail: "asked the user by elicitation") {
                throw failure
            }
        }
        let message = scrub(prepared.summary.text) + "\n\nConfirm to send this to Schwab now."
        switch await context.elicit(message: message, schema: Self.question) {
        case .accept(let answer) where answer.bool("confirm") == true:
            if let failure = await record(trail, .confirmed, detail: "confirmed by the user (elicitation)") {
                throw failure
            }
            return .confirmed
        case .accept:
            return try await declined(trail, "the user did not tick confirm")
        case .decline:
            return try await declined(trail, "the user declined")
        case .cancel:
            return try await declined(trail, "the user dismissed the question")
        case .failed(let why):
            throw TradingError(.confirmationFailed, "Could not get a confirmation (\(why)). Nothing was sent.")
        case .unsupported(let why):
            guard let id = arguments.string("confirmationId"), !id.isEmpty else {
                throw TradingError(
                    .confirmationRequired,
                    "Nothing was sent: this client cannot ask the user to confirm (\(why)). Call previewOrder with "
                        + "the same arguments, show the user its summary, and once they agree call \(trail.tool) again "
                        + "with the same arguments plus the confirmationId it returned (valid ten minutes, once).")
            }
            try await confirmations.redeem(userKey: userKey, id: id, fingerprint: prepared.fingerprint)
            if let failure = await record(trail, .confirmed, detail: "confirmed with a previewed confirmation id") {
                throw failure
            }
            return .confirmed
        }
    }

    private func declined(_ trail: Trail, _ why: String) async throws(TradingError) -> Consent {
        if let failure = await record(trail, .declined, detail: why) { throw failure }
        return .declined(why)
    }
}
