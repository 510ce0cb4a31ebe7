import CCurl
import Dispatch
import Foundation
import Synchronization

/// One thread driving every transfer of an `UpstreamClient` through a libcurl multi handle.
///
/// Other threads talk to it only through the `inbox` (a `Mutex`) and `curl_multi_wakeup`, which
/// libcurl documents as safe to call from any thread. Everything else (the multi handle's
/// transfers, the id tables) is confined to the loop thread, hence `@unchecked Sendable`.
/// Connections stay in the multi handle's cache between transfers, which is what gives
/// keep-alive reuse (libcurl-multi(3), "connection cache").
final class CurlMultiLoop: @unchecked Sendable {
    private enum Command {
        case add(CurlTransfer)
        case cancel(UInt64)
    }

    private struct Inbox {
        var commands: [Command] = []
        var stopping = false
        /// Set once the multi handle is cleaned up: no wakeup may touch it afterwards.
        var stopped = false
    }

    private let inbox = Mutex(Inbox())
    private let multi: UnsafeMutableRawPointer
    private let configuration: UpstreamClient.Configuration
    private let exited = DispatchGroup()
    private var threadName: String { "upstream-curl-\(UInt(bitPattern: ObjectIdentifier(self).hashValue))" }

    // Loop-thread state.
    private var transfers: [UInt64: CurlTransfer] = [:]
    private var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

    /// Starts the loop thread; nil when libcurl cannot make a multi handle.
    init?(configuration: UpstreamClient.Configuration) {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.configuration = configuration
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        // Keep enough idle connections for every host's pool (libcurl's default is 4 per handle).
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(configuration.maxConnectionsPerHost * 4, 16))
        exited.enter()
        let thread = Thread { [self] in run() }
        thread.name = threadName
        thread.start()
    }

    /// Queues `transfer`; if the loop is stopping, the transfer is resumed as cancelled at once.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.commands.append(.add(transfer))
            _ = curl_multi_wakeup(multi)
            return true
        }
        if !accepted { transfer.resume(.failure(Self.shutDownError(transfer.prepared.origin))) }
    }

    /// Aborts the transfer `id` (from any thread): its task gets `.cancelled`.
    func cancel(_ id: UInt64) {
        inbox.withLock { inbox in
            guard !inbox.stopped else { return }
            inbox.commands.append(.cancel(id))
            _ = curl_multi_wakeup(multi)
        }
    }

    /// Stops the loop: transfers in flight end as `.cancelled`, then the thread exits and the
    /// connections close. Waits for that unless called on the loop thread itself.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.stopping else { return }
            inbox.stopping = true
            _ = curl_multi_wakeup(multi)
        }
        if Thread.current.name != threadName { exited.wait() }
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let (commands, stopping) = inbox.withLock { inbox in
                defer { inbox.commands.removeAll() }
                return (inbox.commands, inbox.stopping)
            }
            for command in commands {
                switch command {
                case .add(let transfer): start(transfer)
                case .cancel(let id): abort(id)
                }
            }
            if stopping { break }
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for id in Array(transfers.keys) { finish(id, .failure(Self.shutDownError(transfers[id]!.prepared.origin))) }
        // Commands that raced with shutdown: their tasks still wait for an answer.
        let late = inbox.withLock { inbox in
            defer {
                inbox.commands.removeAll()
                inbox.stopped = true
            }
            return inbox.commands
        }
        curl_multi_cleanup(multi)
        for case .add(let transfer) in late { transfer.resume(.failure(Self.shutDownError(transfer.prepared.origin))) }
        exited.leave()
    }

    private func start(_ transfer: CurlTransfer) {
        // A cancel that overtook this add set the flag before queuing its own command.
        if transfer.cancellation.isCancelled {
            transfer.resume(.failure(Self.cancelledError(transfer.prepared.origin)))
            return
        }
        if let error = transfer.makeEasyHandle(configuration: configuration) {
            transfer.resume(.failure(error))
            return
        }
        guard let easy = transfer.easy, curl_multi_add_handle(multi, easy) == CURLM_OK else {
            transfer.resume(
                .failure(UpstreamError(.network, "libcurl could not start a transfer to \(transfer.prepared.origin)")))
            return
        }
        transfers[transfer.id] = transfer
        idsByHandle[easy] = transfer.id
    }

    private func abort(_ id: UInt64) {
        // Unknown ids finished already, or were never started and carry their cancelled flag.
        guard let transfer = transfers[id] else { return }
        finish(id, .failure(Self.cancelledError(transfer.prepared.origin)))
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let id = idsByHandle[easy], let transfer = transfers[id]
            else { continue }
            finish(id, transfer.outcome(for: message.pointee.data.result))
        }
    }

    /// Detaches the transfer from the multi handle and answers its task.
    private func finish(_ id: UInt64, _ outcome: CurlTransfer.Outcome) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        if let easy = transfer.easy {
            idsByHandle[easy] = nil
            _ = curl_multi_remove_handle(multi, easy)
        }
        transfer.resume(outcome)
    }

    private static func shutDownError(_ origin: String) -> UpstreamError {
        UpstreamError(.cancelled, "the upstream client was shut down before the request to \(origin) finished")
    }

    private static func cancelledError(_ origin: String) -> UpstreamError {
        UpstreamError(.cancelled, "the request to \(origin) was cancelled by its caller")
    }
}

/// `curl_global_init` exactly once per process, before the first handle (libcurl(3)).
enum CurlGlobal {
    private static let done: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func initialize() { _ = done }
}
