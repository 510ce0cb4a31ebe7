/// Credit-based flow control for one stream, modelled on HTTP/2 (RFC 9113 §5.2, §6.9).
///
/// Each side of a stream holds one of these. The sender may put at most `sendWindow` body bytes on
/// the stream; each byte sent uses one credit and the sender stops at zero. The receiver counts
/// what arrives against `receiveWindow` (more than that is a flow-control error, §6.9.1) and, as
/// its application *consumes* bytes (writes them to the client, hands them to the object), grants
/// credit back with a `windowUpdate` frame. Credit is granted in batches once half the initial
/// window has been consumed, so a steady stream costs one small frame per half window, not one per
/// chunk.
///
/// Because credit is per stream, a client that stops reading its SSE stream stops only that
/// stream's sender: the shared connection keeps carrying every other stream. Only body bytes count;
/// heads, ends and control frames are never blocked (as DATA alone is flow-controlled in §6.9).
public struct StreamFlowControl: Sendable {
    /// The largest window RFC 9113 §6.9.1 allows: 2^31-1.
    public static let maximumWindow: UInt32 = 0x7FFF_FFFF
    /// The window each side starts with: 256 KiB.
    public static let defaultInitialWindow = 256 * 1024

    /// What the sender should do after credit arrives.
    public enum SendAction: Sendable, Equatable {
        /// Nothing changes.
        case none
        /// The stream had no credit and now has some: resume sending its queued body.
        case resumeSending
    }

    /// What the receiver should do after its application consumed bytes.
    public enum ReceiveAction: Sendable, Equatable {
        /// Keep counting; no frame yet.
        case none
        /// Send `windowUpdate(increment:)` on this stream.
        case sendWindowUpdate(UInt32)
    }

    private enum State: Sendable {
        /// Both directions are flowing.
        case open
        /// The stream ended or was cancelled: no credit is granted or taken any more.
        case closed
    }

    /// The window both sides started with.
    public let initialWindow: Int
    /// Body bytes this side may still send before the peer grants more.
    public private(set) var sendWindow: Int
    /// Body bytes the peer may still send before this side grants more.
    public private(set) var receiveWindow: Int
    /// Bytes consumed by the application and not yet granted back to the peer.
    public private(set) var pendingGrant = 0
    private var state = State.open

    /// A stream whose two windows start at `initialWindow` bytes.
    public init(initialWindow: Int = StreamFlowControl.defaultInitialWindow) {
        let window = min(max(1, initialWindow), Int(Self.maximumWindow))
        self.initialWindow = window
        self.sendWindow = window
        self.receiveWindow = window
    }

    /// True when the sender holds no credit and must wait for a `windowUpdate`.
    public var isSendBlocked: Bool { state == .open && sendWindow <= 0 }

    /// Takes credit for up to `wanted` body bytes and returns how many may be sent now (0 when
    /// blocked or closed).
    public mutating func takeSendCredit(upTo wanted: Int) -> Int {
        guard state == .open, wanted > 0 else { return 0 }
        let granted = min(wanted, sendWindow)
        sendWindow -= granted
        return granted
    }

    /// Records a `windowUpdate` from the peer. A zero increment or a window above 2^31-1 is an
    /// error (RFC 9113 §6.9, §6.9.1).
    public mutating func peerGranted(_ increment: UInt32) throws(RuntimeFrameError) -> SendAction {
        guard state == .open else { return .none }
        guard increment > 0 else {
            throw RuntimeFrameError(.flowControl, "window increment of 0")
        }
        let wasBlocked = sendWindow <= 0
        guard sendWindow + Int(increment) <= Int(Self.maximumWindow) else {
            throw RuntimeFrameError(
                .flowControl, "window update of \(increment) would raise the send window above \(Self.maximumWindow)")
        }
        sendWindow += Int(increment)
        return wasBlocked && sendWindow > 0 ? .resumeSending : .none
    }

    /// Records `count` body bytes arriving from the peer; more than the window allows is the
    /// peer's error (RFC 9113 §6.9.1 FLOW_CONTROL_ERROR), reported without changing the window.
    public mutating func peerSent(_ count: Int) throws(RuntimeFrameError) {
        guard state == .open else { return }
        guard count <= receiveWindow else {
            throw RuntimeFrameError(
                .flowControl, "peer sent \(count) body bytes with only \(receiveWindow) bytes of credit")
        }
        receiveWindow -= count
    }

    /// Records that the application consumed `count` received bytes, and says when to grant
    /// credit back: once at least half the initial window is waiting.
    public mutating func consumed(_ count: Int) -> ReceiveAction {
        guard state == .open, count > 0 else { return .none }
        pendingGrant += count
        guard pendingGrant >= (initialWindow + 1) / 2 else { return .none }
        let increment = min(pendingGrant, Int(Self.maximumWindow) - receiveWindow)
        guard increment > 0 else { return .none }
        pendingGrant -= increment
        receiveWindow += increment
        return .sendWindowUpdate(UInt32(increment))
    }

    /// Marks the stream finished (end or cancel): later credit is ignored and none is granted.
    public mutating func close() { state = .closed }

    /// Marks the peer's half finished: nothing more arrives, so no credit needs granting. Sending
    /// continues.
    public mutating func closeReceiving() { pendingGrant = 0 }
}
