extension HTTPConnection {
    /// Advances the TLS handshake; when it completes the connection waits for its first request
    /// under the header timeout, and reads at once in case the client's request came with the
    /// handshake's last flight.
    func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            phase = .idle
            requestStarted = false
            setDeadline(MonotonicClock.now() + context.headerTimeout)
            readAvailable()
        case .wantRead:
            setHandshakeInterest(EventLoop.readable | EventLoop.peerClosed)
        case .wantWrite:
            setHandshakeInterest(EventLoop.writable)
        case .closed, .failed:
            close()
        }
    }

    private func setHandshakeInterest(_ wanted: UInt32) {
        if wanted != interest {
            interest = wanted
            owner.loop.modify(fd, events: wanted)
        }
    }
}
