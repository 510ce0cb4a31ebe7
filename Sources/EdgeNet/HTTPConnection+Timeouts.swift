import EdgeHTTP

extension HTTPConnection {
    /// Moves the connection's single deadline. Per request this only stores a number: the loop
    /// timer is re-armed only when the new deadline is earlier than the armed one, and a timer
    /// that fires early re-arms itself for the current deadline.
    func setDeadline(_ value: UInt64) {
        deadline = value
        guard value != .max, value < timerAt else { return }
        if let timerID { owner.loop.cancelTimer(timerID) }
        armTimer(at: value)
    }

    private func armTimer(at value: UInt64) {
        timerAt = value
        timerID = owner.loop.schedule(at: value) { [weak self] in self?.timerFired() }
    }

    private func timerFired() {
        timerID = nil
        timerAt = .max
        guard phase != .closed, deadline != .max else { return }
        let now = MonotonicClock.now()
        if now < deadline {
            armTimer(at: deadline)
            return
        }
        deadlinePassed()
    }

    /// The current phase ran out of time: a silent close when nothing was asked (idle
    /// keep-alive, a handshake that never finished, lingering), 408 for a request that stalled
    /// (RFC 9110 §15.5.9).
    private func deadlinePassed() {
        switch phase {
        case .handshake, .lingering, .closed:
            close()
        case .idle where !requestStarted:
            close()
        case .idle, .body:
            sendError(.requestTimeout, "the request did not arrive in time")
            writeQueued()
        case .responding, .streaming:
            break
        }
    }
}
