import EdgeCore

/// The tools every deployment has before the Schwab tools: `status` and `echo`.
public enum BuiltinTools {
    /// Extra facts for `status` (the Schwab part adds token and account status here later).
    public typealias StatusExtras = @Sendable (ToolContext) async -> [(String, JSONValue)]

    /// `status`: server name and version, negotiated revision, session facts and uptime.
    public static func status(server: MCPServerInfo, extras: StatusExtras? = nil) -> ToolDeclaration {
        ToolDeclaration(
            name: "status", title: "Server status",
            description: "Reports the server's name and version, the negotiated MCP protocol version, "
                + "facts about this session and the server's uptime.",
            output: ToolSchema([
                .string("server"), .string("version"), .string("protocolVersion"), .string("transport"),
                .string("client"), .integer("cancelledCalls", minimum: 0), .number("uptimeSeconds", minimum: 0),
                .object("extra", [], required: false, allowsOtherMembers: true),
            ]),
            annotations: ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: false)
        ) { _, context in
            var members: [(String, JSONValue)] = [
                ("server", .string(server.name)), ("version", .string(server.version)),
                ("protocolVersion", .string(context.session.version.rawValue)),
                ("transport", .string(context.session.transport)),
                ("client", .string(context.session.clientInfo["name"]?.stringValue ?? "unknown")),
                ("cancelledCalls", .int(context.session.cancelledCalls)),
                ("uptimeSeconds", .double(context.session.uptimeSeconds)),
            ]
            if let extras { members.append(("extra", .object(await extras(context)))) }
            return .structured(.object(members))
        }
    }

    /// `echo`: returns its message. `delayMs` and `progressSteps` make a call slow and chatty
    /// (for cancellation and progress), `confirm` asks the user first (elicitation), and
    /// `reconnect` drops the HTTP stream midway so the client resumes with `Last-Event-ID`.
    public static let echo = ToolDeclaration(
        name: "echo", title: "Echo",
        description: "Returns the message it is given. Optional knobs exercise the protocol: a delay, "
            + "progress steps, a confirmation question and a stream reconnect.",
        input: ToolSchema([
            .string("message", description: "The text to return.", maxLength: 10_000),
            .integer(
                "delayMs", description: "Wait this long in total before answering.", default: 0, minimum: 0,
                maximum: 60_000),
            .integer(
                "progressSteps", description: "Report progress this many times.", default: 0, minimum: 0, maximum: 100),
            .boolean("confirm", description: "Ask the user to confirm before answering.", default: false),
            .boolean("reconnect", description: "End the HTTP stream after the first step.", default: false),
        ]),
        output: ToolSchema([.string("message"), .boolean("confirmed", required: false)]),
        annotations: ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: false),
        streams: { args in
            args.bool("confirm") == true || args.bool("reconnect") == true || (args.int("progressSteps") ?? 0) > 0
        }
    ) { args, context in
        let message = args.string("message") ?? ""
        let steps = args.int("progressSteps") ?? 0
        let delay = args.int("delayMs") ?? 0
        let slices = max(steps, 1)
        for step in 0..<slices {
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay / slices)) }
            try Task.checkCancellation()
            if steps > 0 {
                await context.progress(Double(step + 1), total: Double(steps), message: "step \(step + 1) of \(steps)")
            }
            if step == 0, args.bool("reconnect") == true {
                context.requestReconnect()
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        await context.log(.info, .string("echo answered"), logger: "echo")
        guard args.bool("confirm") == true else { return .structured(.object([("message", .string(message))])) }
        let question = ToolSchema([.boolean("confirm", description: "Return the message?")])
        switch await context.elicit(message: "Echo \"\(message)\"?", schema: question) {
        case .accept(let answer) where answer.bool("confirm") == true:
            return .structured(.object([("message", .string(message)), ("confirmed", true)]))
        case .accept, .decline, .cancel:
            return .structured(.object([("message", .string("")), ("confirmed", false)]))
        case .unsupported(let why), .failed(let why):
            return .error("could not ask for confirmation: \(why)")
        }
    }
}
