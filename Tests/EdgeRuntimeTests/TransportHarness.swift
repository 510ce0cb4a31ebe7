import EdgeHTTP
import EdgeNet
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import EdgeRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A router connection and a host connection joined by a real `socketpair`, each on its own real
/// event loop; the host answers every stream with `handler`. Torn down by `stop()`.
final class TransportPair: Sendable {
    let routerLoop: EventLoop
    let hostLoop: EventLoop
    let router: RuntimeConnection
    let host: RuntimeConnection
    let hostClosed = Locked<RuntimeTransportError?>(nil)
    let routerClosed = Locked<RuntimeTransportError?>(nil)
    let goAways = Locked<[UInt32]>([])

    init(
        configuration: RuntimeConnection.Configuration = RuntimeConnection.Configuration(),
        handler: @escaping @Sendable (RuntimeStream) async -> Void
    ) throws {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw TransportTestFailure("socketpair failed: errno \(errno)")
        }
        RuntimeSocket.setNonBlocking(fds[0])
        RuntimeSocket.setNonBlocking(fds[1])
        routerLoop = try EventLoop(name: "test-router-loop")
        hostLoop = try EventLoop(name: "test-host-loop")
        routerLoop.start()
        hostLoop.start()
        let hostClosed = self.hostClosed
        let routerClosed = self.routerClosed
        let goAways = self.goAways
        host = RuntimeConnection(
            adopting: fds[1], role: .host, loop: hostLoop, configuration: configuration,
            callbacks: .init(
                onStream: { stream in Task { await handler(stream) } },
                onClose: { error in hostClosed.withLock { $0 = error } }))
        router = RuntimeConnection(
            adopting: fds[0], role: .router, loop: routerLoop, configuration: configuration,
            callbacks: .init(
                onGoAway: { last, _ in goAways.withLock { $0.append(last) } },
                onClose: { error in routerClosed.withLock { $0 = error } }))
        host.start()
        router.start()
    }

    /// Closes both ends and stops both loops.
    func stop() async {
        router.close()
        host.close()
        _ = await eventually { self.router.isClosed && self.host.isClosed }
        routerLoop.stop()
        hostLoop.stop()
    }
}

/// A request head for object `id` of the test class.
func probeHead(_ target: String, id: String = "user-1") -> RuntimeRequestHead {
    RuntimeRequestHead(
        head: HTTPRequestHead(method: .post, target: target), objectClass: "Probe", objectID: id,
        props: ["userId": id])
}

/// Reads a router-side stream's whole response body.
func readAll(_ stream: RuntimeStream) async throws -> [UInt8] {
    var body: [UInt8] = []
    for try await chunk in stream.chunks { body += chunk }
    return body
}

/// A value behind a `Mutex` that closures can capture (a `Mutex` itself cannot be copied).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` with the value locked.
    func withLock<R: Sendable>(_ body: (inout sending Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// A transport test's precondition that did not hold.
struct TransportTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
