/// Where a session's server-to-client messages go while a call runs: an SSE stream of an HTTP
/// transport, or standard output of the stdio transport.
///
/// The dispatch code (`MCPEndpoint.perform`) writes progress, log notifications and
/// elicitation requests through this one seam, so every transport shares it.
public protocol MCPMessageSink: Sendable {
    /// Sends one message towards the client; false when it can no longer be delivered.
    @discardableResult
    func publish(_ message: JSONRPCMessage) -> Bool

    /// Ends the current connection early without ending the call (SSE polling); transports
    /// without reconnection do nothing.
    func detachCurrent()
}

extension SSEChannel: MCPMessageSink {}
