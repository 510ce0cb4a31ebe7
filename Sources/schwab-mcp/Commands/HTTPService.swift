import EdgeCore
import EdgeIO
import EdgeNet

/// A bare `HTTPServer` as a `Service`, for the development commands that are nothing but one
/// responder on one server (`serve-http`, `mcp-dev`): `run()` binds, reports the bound port to
/// `ready`, and serves until `shutdown()` has drained it.
struct HTTPService: Service {
    let name: String
    let server: HTTPServer
    /// Called once with the bound port, before serving (the commands log their ready line here).
    let ready: @Sendable (Int) -> Void

    func run() async throws {
        ready(try server.start())
        await server.run()
    }

    func shutdown() { server.shutdown() }
}
