import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("HTTP server configuration and listening addresses", .realWorld)
struct HTTPServerConfigurationTests {
    @Test(
        "a bad setting is refused with an error naming it, what was expected and what was given",
        arguments: [
            ("port", "70000"), ("eventLoops", "0"), ("maxConnections", "-1"), ("streamHighWatermark", "10"),
            ("headerTimeout", "0 seconds"),
        ])
    func badSettings(name: String, given: String) {
        var configuration = HTTPServer.Configuration(port: 0)
        switch name {
        case "port": configuration.port = 70000
        case "eventLoops": configuration.eventLoops = 0
        case "maxConnections": configuration.maxConnections = -1
        case "streamHighWatermark": configuration.streamHighWatermark = 10
        default: configuration.headerTimeout = .zero
        }
        #expect {
            try configuration.validate()
        } throws: { error in
            guard let error = error as? NetError else { return false }
            return error.code == "bad_configuration" && error.message.hasPrefix(name + ":")
                && error.message.contains("expected") && error.message.contains(given)
        }
    }

    @Test("a listen address that is not an IP literal is refused before anything is bound")
    func badHost() throws {
        let server = try HTTPServer(
            configuration: .init(host: "localhost.example", port: 0), responder: RoutedResponder(),
            logger: Logger(label: "t", level: .error))
        #expect {
            try server.start()
        } throws: { error in
            (error as? NetError)?.code == "bad_host"
        }
    }

    @Test("the server listens on the IPv6 loopback and reports the peer as [::1]")
    func ipv6() async throws {
        var routes = RoutedResponder()
        routes.add(.get, "/peer") { request in .now(.text(request.remoteAddress)) }
        let server = try HTTPServer(
            configuration: .init(host: "::1", port: 0, eventLoops: 1), responder: routes,
            logger: Logger(label: "t", level: .error))
        let port = try server.start()
        defer {
            server.shutdown(deadline: .seconds(1))
            server.waitUntilStopped()
        }
        let result = try await curl(["-g", "http://[::1]:\(port)/peer"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "[::1]")
    }

    @Test("a port another socket holds is reported as bind_failed")
    func portInUse() throws {
        // A plain listener without SO_REUSEPORT, as another program would hold it.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) }
        }
        #expect(bound == 0 && listen(holder, 1) == 0)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) }
        }
        let server = try HTTPServer(
            configuration: .init(port: Int(UInt16(bigEndian: addr.sin_port))), responder: RoutedResponder(),
            logger: Logger(label: "t", level: .error))
        #expect {
            try server.start()
        } throws: { error in
            (error as? NetError)?.code == "bind_failed"
        }
    }

    @Test("a second server on a port the first one holds fails to start instead of sharing it")
    func secondServerOnSamePort() throws {
        let first = try TestServer()
        defer { first.stop() }
        let second = try HTTPServer(
            configuration: .init(port: first.port, eventLoops: 1), responder: RoutedResponder(),
            logger: Logger(label: "t", level: .error))
        #expect {
            try second.start()
        } throws: { error in
            (error as? NetError)?.code == "bind_failed"
        }
    }
}
