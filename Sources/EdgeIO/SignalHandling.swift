import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Runs code when the process is asked to stop (SIGTERM from systemd or the supervisor, SIGINT
/// from a terminal).
///
/// The signals' default action is turned off and Dispatch delivers them as ordinary events on a
/// queue (it uses signalfd-like machinery internally), so the action runs as normal code, never
/// in async-signal context.
public enum SignalHandling {
    /// What keeps the watch alive: drop it (or call `cancel`) to stop watching.
    ///
    /// `@unchecked Sendable`: `sources` is set once in `init`; Dispatch sources may be cancelled
    /// from any thread.
    public final class Watch: @unchecked Sendable {
        private let sources: [any DispatchSourceSignal]

        fileprivate init(sources: [any DispatchSourceSignal]) { self.sources = sources }

        /// Stops watching; the signals keep being ignored.
        public func cancel() { for source in sources { source.cancel() } }

        deinit { cancel() }
    }

    /// Calls `action` with the signal number on each SIGTERM or SIGINT.
    public static func onTerminate(_ action: @escaping @Sendable (Int32) -> Void) -> Watch {
        let queue = DispatchQueue(label: "signal-handling")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { action(number) }
            source.resume()
            sources.append(source)
        }
        return Watch(sources: sources)
    }
}
