import Foundation
import TestSupport

/// A real HTTP/1.1 keep-alive server in a Python child process, for the upstream client's tests.
///
/// Routes: `/order` answers like Schwab's place-order (201, `Location`, `Schwab-Client-CorrelId`,
/// two `Set-Cookie`); `/echo` answers with JSON describing what arrived (method, path, headers,
/// body hex, parsed form, and the number of the TCP connection it came on); `/hang` never answers
/// in time (and writes `hang request arrived` to its stderr when one comes in, so a test can wait
/// for that event); `/big?n=N` sends N bytes. The readiness probe counts as one connection. With a certificate and key it serves HTTPS.
final class UpstreamTestPeer: Sendable {
    let port: Int
    let directory: URL
    private let child: ChildProcess

    static let script = #"""
        import json, ssl, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qsl, urlsplit

        connections = 0
        requests = 0
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                global connections
                super().setup()
                with lock:
                    connections += 1
                    self.connection_number = connections

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def route(self):
                global requests
                with lock:
                    requests += 1
                    request_number = requests
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                if url.path == "/order":
                    self.reply(201, b"", [
                        ("Location", "https://api.schwabapi.com/trader/v1/accounts/ABC123/orders/1004455667"),
                        ("Schwab-Client-CorrelId", "7d3c3e2a-8c5e-4b4e-9d7b-0a1b2c3d4e5f"),
                        ("Set-Cookie", "first=1; Path=/"),
                        ("Set-Cookie", "second=2; Path=/; HttpOnly"),
                    ])
                elif url.path == "/hang":
                    sys.stderr.write("hang request arrived\n")
                    sys.stderr.flush()
                    time.sleep(60)
                    self.reply(200, b"too late")
                elif url.path == "/big":
                    n = int(dict(parse_qsl(url.query)).get("n", "0"))
                    self.reply(200, b"x" * n)
                elif url.path == "/echo":
                    info = {
                        "method": self.command,
                        "path": self.path,
                        "headers": [[k, v] for k, v in self.headers.items()],
                        "bodyHex": body.hex(),
                        "form": parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True),
                        "connection": self.connection_number,
                        "request": request_number,
                    }
                    self.reply(200, json.dumps(info).encode(), [("Content-Type", "application/json")])
                else:
                    self.reply(404, b"no such route")

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = route

        server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
        server.daemon_threads = True
        if len(sys.argv) > 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """#

    /// Starts the server on a free port; with `tls`, first makes a self-signed certificate for
    /// `certificateNames` (a subjectAltName list) with the openssl command-line tool.
    init(tls: Bool = false, certificateNames: String = "IP:127.0.0.1,DNS:localhost") async throws {
        directory = try TestSupport.temporaryDirectory("upstream-peer")
        let scriptPath = directory.appendingPathComponent("peer.py")
        try Self.script.write(to: scriptPath, atomically: true, encoding: .utf8)
        var arguments = ["python3", scriptPath.path]
        port = TestSupport.freePort()
        arguments.append(String(port))
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        if tls {
            let made = try await TestSupport.run(
                "/usr/bin/env",
                [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=\(certificateNames)",
                ])
            guard made.status == 0 else { throw PeerError(message: "openssl req failed: \(made.error)") }
            arguments += [certificate, key]
        }
        child = try ChildProcess(
            arguments, executable: URL(fileURLWithPath: "/usr/bin/env"), logDirectory: directory)
        let port = port
        guard await TestSupport.waitUntil(timeout: TestSupport.hangTimeout, { TestSupport.isListening(port: port) })
        else {
            let log = child.stderrText
            child.stop()
            throw PeerError(message: "the Python peer did not listen on \(port): \(log)")
        }
    }

    /// How many `/hang` requests have reached the peer so far (from its stderr).
    var hangRequests: Int { child.stderrText.components(separatedBy: "hang request arrived\n").count - 1 }

    /// The self-signed certificate (PEM) when serving HTTPS: a CA bundle that trusts this peer.
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }

    /// `http://127.0.0.1:port` + `path`.
    func url(_ path: String, scheme: String = "http") -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// Stops the child by pid and removes its folder.
    func stop() {
        child.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    struct PeerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// What `/echo` saw, decoded from its JSON answer.
struct UpstreamEcho {
    let method: String
    let path: String
    let headers: [(String, String)]
    let body: [UInt8]
    let form: [(String, String)]
    /// The number of the TCP connection this request came on (the readiness probe was one).
    let connection: Int
    /// How many requests the peer had received, this one included.
    let request: Int

    init(_ bytes: [UInt8]) throws {
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
        method = object["method"] as? String ?? ""
        path = object["path"] as? String ?? ""
        headers = (object["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
        let hex = Array((object["bodyHex"] as? String ?? "").utf8)
        body = stride(from: 0, to: hex.count, by: 2).map {
            UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
        form = (object["form"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
        connection = object["connection"] as? Int ?? -1
        request = object["request"] as? Int ?? -1
    }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}
