import EdgeCore
import EdgeHTTP

extension MCPEndpoint {
    /// Runs the action the session state machine chose for one message; returns the answer
    /// to a request (nil for notifications and responses). Related messages of a tool call go
    /// to `channel` when there is one; without it the call is answered as plain JSON.
    func perform(
        _ action: MCPSession.Action, live: LiveSession, channel: (any MCPMessageSink)?
    ) async -> JSONRPCMessage? {
        await persist(live)
        switch action {
        case .reply(let message): return message
        case .none: return nil
        case .cancel(let id):
            _ = live.cancel(id)
            return nil
        case .deliver(let id, let result):
            live.deliver(id, result)
            return nil
        case .listTools(let id, let cursor):
            do {
                return .result(
                    id: id, result: try configuration.tools.list(cursor: cursor, version: live.session.version))
            } catch {
                var error = error
                error.id = id
                return error.response
            }
        case .callTool(let id, let name, let arguments, let progressToken):
            return await callTool(
                id: id, name: name, arguments: arguments, progressToken: progressToken, live: live, channel: channel)
        }
    }

    private func callTool(
        id: JSONRPCID, name: String, arguments: JSONValue?, progressToken: JSONValue?, live: LiveSession,
        channel: (any MCPMessageSink)?
    ) async -> JSONRPCMessage {
        let version = live.session.version
        guard let tool = configuration.tools.tool(named: name) else {
            live.finish(id)
            return JSONRPCError.invalidParams("unknown tool \(name)", id: id).response
        }
        let validated: ToolArguments
        switch tool.input.validate(arguments) {
        case .success(let values): validated = values
        case .failure(let problems):
            live.finish(id)
            let text = "Invalid arguments for \(name): \(problems)"
            return .result(id: id, result: tool.refusal(text).json(for: version))
        }
        let context = makeContext(live: live, progressToken: progressToken, channel: channel)
        let output = tool.output
        let task = Task<JSONRPCMessage, Never>(executorPreference: configuration.executor) {
            do {
                let result = try await tool.handler(validated, context)
                if Task.isCancelled {
                    return JSONRPCError(code: JSONRPCError.requestCancelledCode, message: "Request cancelled", id: id)
                        .response
                }
                if let output, let structured = result.structuredContent, !result.isError,
                    case .failure(let problems) = output.validate(structured)
                {
                    let text = "The tool \(name) produced output outside its schema: \(problems)"
                    return .result(id: id, result: tool.refusal(text).json(for: version))
                }
                return .result(id: id, result: result.json(for: version))
            } catch is CancellationError {
                return JSONRPCError(code: JSONRPCError.requestCancelledCode, message: "Request cancelled", id: id)
                    .response
            } catch {
                return .result(id: id, result: tool.refusal("\(name) failed: \(error)").json(for: version))
            }
        }
        live.start(id, task)
        let answer = await task.value
        live.finish(id)
        return answer
    }

    private func makeContext(
        live: LiveSession, progressToken: JSONValue?, channel: (any MCPMessageSink)?
    ) -> ToolContext {
        let (session, cancelled, level) = live.state.withLock { ($0.session, $0.cancelledCalls, $0.session.logLevel) }
        let info = MCPSessionInfo(
            id: session.id, version: session.version, clientInfo: session.clientInfo,
            clientCapabilities: session.clientCapabilities, transport: session.transport, cancelledCalls: cancelled,
            uptimeSeconds: Double((ContinuousClock.now - started).components.seconds))
        let send: ToolContext.Send = { message in channel?.publish(message) ?? false }
        var request: ToolContext.Request?
        if let channel {
            request = { method, params in await live.request(method: method, params: params, on: channel) }
        }
        return ToolContext(
            session: info, progressToken: progressToken, logLevel: level, send: send, request: request,
            reconnect: { channel?.detachCurrent() })
    }
}
