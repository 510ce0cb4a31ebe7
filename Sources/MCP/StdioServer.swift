import EdgeCore
import Synchronization

/// The MCP stdio transport (MCP spec 2025-11-25, basic/transports "stdio"): one session with
/// one client that launched this process, newline-delimited JSON-RPC on standard input and
/// output, logs on standard error only.
///
/// Every message goes through the same session state machine (`MCPSession`) and the same
/// dispatch (`MCPEndpoint.perform`) as the HTTP transports, so cancellation, progress,
/// `logging/setLevel` and elicitation behave alike: server-to-client messages (progress, log
/// notifications, `elicitation/create`) are written to the output as they happen, and the
/// client's answers are read from the input while the call that asked waits. Tool calls run
/// concurrently, so a `notifications/cancelled` read after a call starts still reaches it.
///
/// This type holds no file descriptors: `receive(_:)` takes one line, the output is a
/// `StdioOutput`; `StdioServer+Run.swift` connects them to fd 0 and fd 1.
public final class StdioServer: Sendable {
    /// What the transport serves.
    public struct Configuration: Sendable {
        /// Name, version, instructions.
        public var server: MCPServerInfo
        /// The tools.
        public var tools: ToolCatalog
        /// The one user of this process (`local`).
        public var user: String
        /// Where protocol problems are reported (stderr; never message contents).
        public var logger: Logger?
        /// The longest input line accepted.
        public var maxLineBytes: Int
        /// How long calls in flight may finish after the input ends before they are cancelled.
        public var drainGrace: Duration

        /// A configuration for `user` (default `local`), 4 MiB lines, 5 s of drain.
        public init(
            server: MCPServerInfo, tools: ToolCatalog, user: String = "local", logger: Logger? = nil,
            maxLineBytes: Int = 4 << 20, drainGrace: Duration = .seconds(5)
        ) {
            self.server = server
            self.tools = tools
            self.user = user
            self.logger = logger
            self.maxLineBytes = maxLineBytes
            self.drainGrace = drainGrace
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    /// Where answers and server-to-client messages go.
    public let output: StdioOutput
    let endpoint: MCPEndpoint
    let live: LiveSession
    private let calls = Mutex<(next: Int, running: [Int: Task<Void, Never>])>((0, [:]))
    /// Ends the input stream `serve(input:)` is reading, so `stop()` unblocks it.
    let endInput = Mutex<(@Sendable () -> Void)?>(nil)

    /// A server writing every message as one line through `output`.
    public init(configuration: Configuration, output: StdioOutput) {
        self.configuration = configuration
        self.output = output
        endpoint = MCPEndpoint(
            configuration: .init(
                server: configuration.server, tools: configuration.tools, store: InMemorySessionStore(),
                allowedHosts: [], logger: configuration.logger))
        live = LiveSession(
            MCPSession(id: MCPEndpoint.newSessionID(), user: configuration.user, transport: "stdio"), saved: false)
    }

    /// Handles one input line (without its newline). Returns once the message is accepted:
    /// a tool call keeps running in its own task, everything else is answered before return, so
    /// messages take effect in the order they were read.
    public func receive(_ line: [UInt8]) async {
        let body: JSONRPCBody
        do {
            body = try JSONRPCMessage.decodeBody(line)
        } catch {
            configuration.logger?.warn(
                "stdio: unreadable message answered with an error", [("jsonrpc_error", .int(error.code))])
            output.publish(error.response)
            return
        }
        switch body {
        case .single(let message): await receive(message)
        case .batch(let items): await batch(items)
        }
    }

    /// Answers a line longer than the limit (its id cannot be known).
    public func receiveTooLong() {
        configuration.logger?.warn(
            "stdio: a message longer than the limit was dropped", [("limit_bytes", .int(configuration.maxLineBytes))])
        output.publish(
            JSONRPCError.invalidRequest("the message is longer than \(configuration.maxLineBytes) bytes").response)
    }

    private func receive(_ message: JSONRPCMessage) async {
        if case .request(let id, let method, _) = message, live.session.state == .uninitialized,
            method != "initialize", !MCPEndpoint.knownMethods.contains(method)
        {
            // A 2026-07-28 client's `server/discover` gets -32601 and falls back to `initialize`
            // (MCP spec 2026-07-28, basic/versioning), as on Streamable HTTP.
            output.publish(JSONRPCError.methodNotFound(method, id: id).response)
            return
        }
        let action = live.receive(message, server: configuration.server)
        if case .callTool = action {
            start(action)
            return
        }
        if let answer = await endpoint.perform(action, live: live, channel: output) { output.publish(answer) }
    }

    /// A batch (JSON-RPC 2.0 §6) is allowed only in protocol 2025-03-26, as on Streamable HTTP;
    /// its elements run in order and their answers go out as one array.
    private func batch(_ items: [Result<JSONRPCMessage, JSONRPCError>]) async {
        switch await endpoint.answerBatch(items, live: live, channel: output) {
        case .failure(let refusal): output.publish(refusal.response)
        case .success(let answers) where answers.isEmpty: break
        case .success(let answers): output.write(JSONValue.array(answers).jsonBytes)
        }
    }

    private func start(_ action: MCPSession.Action) {
        calls.withLock { table in
            let number = table.next
            table.next += 1
            table.running[number] = Task {
                if let answer = await endpoint.perform(action, live: live, channel: output) { output.publish(answer) }
                _ = self.calls.withLock { $0.running.removeValue(forKey: number) }
            }
        }
    }

    /// Tool calls still running.
    public var callsInFlight: Int { calls.withLock { $0.running.count } }

    /// The input has ended (the client closed it): lets calls in flight finish for up to
    /// `drainGrace`, then cancels what is left and ends the session.
    public func finish() async {
        let running = calls.withLock { Array($0.running.values) }
        let grace = configuration.drainGrace
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for task in running { await task.value }
            }
            group.addTask { [live] in
                guard (try? await Task.sleep(for: grace)) != nil else { return }
                live.end()
            }
            await group.next()
            group.cancelAll()
        }
        live.end()
        let left = calls.withLock { Array($0.running.values) }
        for task in left { await task.value }
        output.close()
    }

    /// Stops at once (SIGTERM): cancels every call, fails every pending question, closes the output.
    public func stop() {
        live.end()
        output.close()
        endInput.withLock { $0 }?()
    }
}
