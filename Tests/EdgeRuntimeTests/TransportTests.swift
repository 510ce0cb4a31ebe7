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

/// `RuntimeConnection` over a real socket pair on real event loops: both roles, every frame kind.
@Suite(.realWorld) struct TransportTests {
    /// The host echoes each stream's body back, reversed, in small chunks, tagged with its target.
    static func echo(_ stream: RuntimeStream) async {
        guard let body = try? await stream.readBody(limit: 1 << 20) else { return }
        stream.sendHead(RuntimeResponseHead(status: .ok, headers: ["X-Target": stream.request.head.target]))
        let reversed = Array(body.reversed())
        var offset = 0
        while offset < reversed.count {
            let end = min(offset + 1000, reversed.count)
            await stream.write(Array(reversed[offset..<end]))
            offset = end
            await Task.yield()
        }
        stream.finish()
    }

    @Test func concurrentStreamsInterleaveAndEachGetsItsOwnAnswer() async throws {
        let pair = try TransportPair(handler: Self.echo)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<12 {
                group.addTask {
                    let body = (0..<(5000 + n * 3000)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) }
                    let stream = try await pair.router.send(probeHead("/echo/\(n)"), body: body)
                    let head = try await stream.responseHead()
                    #expect(head.status == .ok)
                    #expect(head.headers["X-Target"] == "/echo/\(n)")
                    #expect(try await readAll(stream) == Array(body.reversed()))
                }
            }
            try await group.waitForAll()
        }
        #expect(await pair.router.openStreamCount() == 0)
        #expect(await pair.host.openStreamCount() == 0)
        await pair.stop()
    }

    @Test func aStalledReaderStopsOnlyItsOwnSenderWhileAnotherStreamCompletes() async throws {
        let configuration = RuntimeConnection.Configuration(
            initialWindow: 16 * 1024, maximumChunk: 4096, streamWriteWatermark: 4096)
        let total = 1 << 20
        let written = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        let pair = try TransportPair(configuration: configuration) { stream in
            _ = try? await stream.readBody(limit: 1024)
            stream.sendHead(RuntimeResponseHead(status: .ok))
            if stream.request.head.target == "/big" {
                for offset in stride(from: 0, to: total, by: 4096) {
                    guard await stream.write([UInt8](repeating: UInt8(offset / 4096 % 251), count: 4096)) else {
                        return
                    }
                    written.add(4096, ordering: .relaxed)
                }
                finished.store(true, ordering: .releasing)
            } else {
                await stream.write(Array("small".utf8))
            }
            stream.finish()
        }
        let big = try await pair.router.send(probeHead("/big"), body: [])
        _ = try await big.responseHead()
        // Nobody reads /big, so its writer must stall after the window plus the watermark.
        let small = try await pair.router.send(probeHead("/small"), body: [])
        #expect(String(decoding: try await readAll(small), as: UTF8.self) == "small")
        #expect(await eventually { written.load(ordering: .relaxed) >= 16 * 1024 })
        try await Task.sleep(for: .milliseconds(100))
        let stalledAt = written.load(ordering: .relaxed)
        #expect(stalledAt <= 16 * 1024 + 2 * 4096)
        let finishedEarly = finished.load(ordering: .acquiring)
        #expect(!finishedEarly)
        // Reading grants credit back and the stalled writer runs to the end.
        let body = try await readAll(big)
        #expect(body.count == total)
        #expect(body[0] == 0 && body[4096] == 1 && body[total - 1] == UInt8((total / 4096 - 1) % 251))
        let finishedLate = finished.load(ordering: .acquiring)
        #expect(finishedLate)
        await pair.stop()
    }

    @Test func aRouterCancelClosesTheHostsStreamAndStopsItsWriter() async throws {
        let hostSawClose = Atomic<Bool>(false)
        let writeAfterCancel = Mutex<Bool?>(nil)
        let pair = try TransportPair { stream in
            stream.sendHead(RuntimeResponseHead(status: .ok))
            await stream.write(Array("event\n".utf8))
            await stream.waitUntilClosed()
            hostSawClose.store(stream.isClosed, ordering: .releasing)
            let accepted = await stream.write(Array("late\n".utf8))
            writeAfterCancel.withLock { $0 = accepted }
        }
        let stream = try await pair.router.openStream(probeHead("/sse"))
        stream.finish()
        _ = try await stream.responseHead()
        #expect(try await stream.readChunk() == Array("event\n".utf8))
        stream.cancel(code: RuntimeCancel.clientGone, message: "client left")
        #expect(await eventually { writeAfterCancel.withLock { $0 } != nil })
        let sawClose = hostSawClose.load(ordering: .acquiring)
        #expect(sawClose)
        #expect(writeAfterCancel.withLock { $0 } == false)
        await #expect(throws: RuntimeTransportError.self) { try await stream.readChunk() }
        await pair.stop()
    }

    @Test func aHostCancelReachesTheRouterWithItsCode() async throws {
        let pair = try TransportPair { stream in
            stream.cancel(code: RuntimeCancel.notOwner, message: "host-2 holds the lease")
        }
        let stream = try await pair.router.send(probeHead("/x"), body: Array("ignored".utf8))
        let error = await #expect(throws: RuntimeTransportError.self) { try await stream.responseHead() }
        #expect(error?.code == .cancelled)
        #expect(error?.cancelCode == RuntimeCancel.notOwner)
        #expect(error?.message.contains("host-2 holds the lease") == true)
        // The connection carries on after a stream error.
        let next = try await pair.router.send(probeHead("/y"), body: [])
        await #expect(throws: RuntimeTransportError.self) { try await next.responseHead() }
        #expect(!pair.router.isClosed)
        await pair.stop()
    }

    @Test func pingIsAnsweredWhileOpenAndReportsNilOnceClosed() async throws {
        let pair = try TransportPair(handler: Self.echo)
        // The bound only says when a missing pong counts as a hang; a closed connection answers
        // nil at once.
        let patience = Duration.seconds(TestSupport.hangTimeout)
        #expect(await pair.router.ping(timeout: patience) != nil)
        #expect(await pair.host.ping(timeout: patience) != nil)
        pair.host.close()
        #expect(await eventually { pair.router.isClosed })
        #expect(await pair.router.ping(timeout: patience) == nil)
        await pair.stop()
    }

    @Test func afterGoAwayInFlightStreamsFinishAndNewOnesAreRefused() async throws {
        let release = Atomic<Bool>(false)
        let pair = try TransportPair { stream in
            _ = try? await stream.readBody(limit: 1024)
            while !release.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(5)) }
            stream.sendHead(RuntimeResponseHead(status: .ok))
            await stream.write(Array("done".utf8))
            stream.finish()
        }
        let inFlight = try await pair.router.send(probeHead("/slow"), body: [])
        // The pong comes after the host has read the stream's frames (one connection, in order):
        // the goAway below then names it as the last stream. The wait is for the pong, however
        // long a loaded machine takes; the default one-second ping timeout was a race.
        #expect(await pair.router.ping(timeout: .seconds(TestSupport.hangTimeout)) != nil)
        pair.host.goAway(message: "draining")
        #expect(await eventually { pair.goAways.withLock { $0 } == [inFlight.id] })
        let refused = await #expect(throws: RuntimeTransportError.self) {
            try await pair.router.openStream(probeHead("/new"))
        }
        #expect(refused?.code == .goingAway)
        release.store(true, ordering: .releasing)
        #expect(String(decoding: try await readAll(inFlight), as: UTF8.self) == "done")
        await pair.stop()
    }

    @Test func connectionDeathFailsEveryOpenStream() async throws {
        let pair = try TransportPair { stream in
            stream.sendHead(RuntimeResponseHead(status: .ok))
            await stream.write(Array("partial".utf8))
            await stream.waitUntilClosed()
        }
        let streams = try await (0..<3).asyncMap { n in try await pair.router.send(probeHead("/s\(n)"), body: []) }
        for stream in streams { #expect(try await stream.readChunk() == Array("partial".utf8)) }
        pair.host.close()
        for stream in streams {
            let error = await #expect(throws: RuntimeTransportError.self) { try await stream.readChunk() }
            #expect(error?.code == .connectionClosed)
        }
        #expect(await eventually { pair.routerClosed.withLock { $0 } != nil })
        await pair.stop()
    }

    @Test func framesArrivingOneByteAtATimeAreReassembledAndAnswered() async throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        RuntimeSocket.setNonBlocking(fds[0])
        RuntimeSocket.setNonBlocking(fds[1])
        let loop = try EventLoop(name: "test-split-loop")
        loop.start()
        let host = RuntimeConnection(
            adopting: fds[1], role: .host, loop: loop,
            callbacks: .init(onStream: { stream in Task { await TransportTests.echo(stream) } }))
        host.start()
        // The router's side by hand: a real codec, every byte in its own write(2).
        let codec = RuntimeFrameCodec()
        var bytes = try codec.encode(RuntimeFrame(streamID: 0, payload: .ping(42)))
        bytes += try codec.encode(RuntimeFrame(streamID: 1, payload: .requestHead(probeHead("/split"))))
        bytes += try codec.encode(RuntimeFrame(streamID: 1, payload: .requestBody(Array("hello".utf8))))
        bytes += try codec.encode(RuntimeFrame(streamID: 1, payload: .requestEnd))
        for byte in bytes {
            var one = byte
            #expect(write(fds[0], &one, 1) == 1)
            await Task.yield()
        }
        var decoder = RuntimeFrameCodec()
        var frames: [RuntimeFrame] = []
        let done = await eventually {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n > 0 { decoder.feed(buffer[0..<n]) }
            while let frame = try? decoder.nextFrame() { frames.append(frame) }
            return frames.contains { $0.payload == .responseEnd }
        }
        #expect(done)
        #expect(frames.contains { $0.payload == .pong(42) })
        let body = frames.compactMap { frame -> [UInt8]? in
            if case .responseBody(let chunk) = frame.payload { return chunk }
            return nil
        }.flatMap { $0 }
        #expect(String(decoding: body, as: UTF8.self) == "olleh")
        host.close()
        Glibc.close(fds[0])
        loop.stop()
    }

    @Test(arguments: [
        [UInt8](repeating: 0xFF, count: 32),
        [0, 0, 0, 1, 200, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 9, 0, 0, 0, 0, 7],
    ])
    func garbageFromThePeerClosesTheConnectionWithAFramingError(_ garbage: [UInt8]) async throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        RuntimeSocket.setNonBlocking(fds[1])
        let loop = try EventLoop(name: "test-garbage-loop")
        loop.start()
        let closed = Mutex<RuntimeTransportError?>(nil)
        let host = RuntimeConnection(
            adopting: fds[1], role: .host, loop: loop,
            callbacks: .init(onClose: { error in closed.withLock { $0 = error } }))
        host.start()
        _ = garbage.withUnsafeBytes { write(fds[0], $0.baseAddress, $0.count) }
        #expect(await eventually { closed.withLock { $0 } != nil })
        #expect(closed.withLock { $0?.message.contains("framing error") } == true)
        Glibc.close(fds[0])
        loop.stop()
    }
}

extension Sequence where Element: Sendable {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
