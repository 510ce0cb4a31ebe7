import EdgeCore

extension MCPEndpoint {
    /// The answers to a batch (JSON-RPC 2.0 §6), element by element in order, or the refusal
    /// when the session's revision has no batches: only 2025-03-26 allows them (MCP 2025-06-18
    /// removed them), and `initialize` is never batched. Shared by Streamable HTTP and stdio.
    func answerBatch(
        _ items: [Result<JSONRPCMessage, JSONRPCError>], live: LiveSession, channel: (any MCPMessageSink)?
    ) async -> Result<[JSONValue], JSONRPCError> {
        guard live.session.version.allowsBatches else {
            return .failure(
                .invalidRequest(
                    "batches are allowed only in protocol 2025-03-26; this session uses \(live.session.version)"))
        }
        var answers: [JSONValue] = []
        for item in items {
            switch item {
            case .failure(let error): answers.append(error.response.json)
            case .success(let message):
                if message.method == "initialize", case .request(let id, _, _) = message {
                    answers.append(JSONRPCError.invalidRequest("initialize cannot be batched", id: id).response.json)
                    continue
                }
                let action = live.receive(message, server: configuration.server)
                if let answer = await perform(action, live: live, channel: channel) { answers.append(answer.json) }
            }
        }
        return .success(answers)
    }
}
