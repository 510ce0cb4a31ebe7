/// The router<->host connection as a pure state machine: which streams exist, which frames each
/// may still carry, and how much body each may send, with no sockets involved.
///
/// The I/O layer feeds it every decoded frame (`receive(_:)`) and every outbound intent
/// (`openStream`, `sendHead`, `sendBody`, `sendEnd`, `cancel`, `consumed`), and carries out what
/// comes back: `events` for the application and `frames` to write. Both ends use it, with
/// mirrored roles: the router opens streams and sends the request half, the host sends the
/// response half.
///
/// Rules, after RFC 9113 §5.1 (stream states) and §6.9 (flow control):
/// - Streams are opened by the router only, with ids that increase (odd or even does not matter:
///   one side opens). A head on a used id, or any stream frame on an id never opened, is a
///   connection error.
/// - Each half runs head, body*, end. A body before the head or after the end is a stream error:
///   the stream is cancelled (both sides told) and the connection carries on.
/// - Body bytes beyond the peer's credit are queued per stream and leave as `windowUpdate`s arrive,
///   so a stream whose reader stalls holds only its own queue; `queuedBytes(on:)` tells the layer
///   above when to stop producing (back-pressure to the client or the object).
/// - Frames for a stream that already closed (a `windowUpdate` racing an end, say) are ignored.
public struct RuntimeConnectionState: Sendable {
    /// Which end of the connection this is.
    public enum Role: Sendable {
        /// Opens streams and sends requests.
        case router
        /// Accepts streams and sends responses.
        case host
    }

    /// Something the application must learn about.
    public enum Event: Sendable, Equatable {
        /// Host: a new stream with this request.
        case requestHead(streamID: UInt32, RuntimeRequestHead, RuntimeFrameFlags)
        /// Host: request body bytes; report them with `consumed(_:on:)` once used.
        case requestBody(streamID: UInt32, [UInt8])
        /// Host: the request body is complete.
        case requestEnd(streamID: UInt32)
        /// Router: the response's head.
        case responseHead(streamID: UInt32, RuntimeResponseHead)
        /// Router: response body bytes; report them with `consumed(_:on:)` once written out.
        case responseBody(streamID: UInt32, [UInt8])
        /// Router: the response is complete.
        case responseEnd(streamID: UInt32)
        /// The stream was abandoned, by the peer or because it broke a rule.
        case cancelled(streamID: UInt32, RuntimeCancel)
        /// The peer answered a ping.
        case pong(UInt64)
        /// The peer will open or accept no streams after `lastStreamID`.
        case goAway(lastStreamID: UInt32, code: UInt32, message: String)
    }

    /// What to do after one call: tell the application `events`, write `frames` in order.
    public struct Output: Sendable, Equatable {
        /// Events for the application, in order.
        public var events: [Event] = []
        /// Frames to write to the peer, in order.
        public var frames: [RuntimeFrame] = []
    }

    struct Stream: Sendable {
        var flow: StreamFlowControl
        var inboundHeadSeen = false
        var inboundEnded = false
        var outboundHeadSent = false
        var outboundEnded = false
        var endQueued = false
        var queued: [UInt8] = []
    }

    /// This end's role.
    public let role: Role
    /// The window each new stream starts with.
    public let initialWindow: Int
    /// The largest body chunk put in one frame.
    public let maximumChunk: Int
    var streams: [UInt32: Stream] = [:]
    /// The highest stream id opened so far.
    var lastStreamID: UInt32 = 0
    /// Set once either side sent `goAway`: no stream above it may open.
    var goAwayLimit: UInt32?

    /// A connection for `role` whose streams start with `initialWindow` bytes of credit.
    public init(
        role: Role, initialWindow: Int = StreamFlowControl.defaultInitialWindow,
        maximumChunk: Int = 64 * 1024
    ) {
        self.role = role
        self.initialWindow = initialWindow
        self.maximumChunk = max(1, maximumChunk)
    }

    /// The streams open now.
    public var openStreamIDs: [UInt32] { streams.keys.sorted() }

    /// Body bytes waiting for credit on `streamID`.
    public func queuedBytes(on streamID: UInt32) -> Int { streams[streamID]?.queued.count ?? 0 }

    /// Drops a stream once both halves are finished.
    mutating func closeIfDone(_ id: UInt32) {
        guard let stream = streams[id], stream.inboundEnded, stream.outboundEnded else { return }
        streams[id] = nil
    }
}
