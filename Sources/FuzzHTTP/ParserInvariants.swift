import EdgeHTTP

/// Runs one input through the request parser under several splits and checks what must hold for
/// every input, valid or not. A broken invariant stops the process (which is how a fuzzer learns
/// of it); well-formed refusals of bad input are fine.
enum ParserInvariants {
    /// Small limits make the fuzzer reach the 413/414/431 paths with short inputs.
    static let smallLimits = HTTPParserLimits(requestLine: 200, headerBytes: 600, headerCount: 12, body: 2000)

    /// Checks `input` with the default and the small limits; returns the events of the whole input.
    @discardableResult
    static func check(_ input: [UInt8]) -> [HTTPParserEvent] {
        let events = check(input, limits: .default)
        check(input, limits: smallLimits)
        return events
    }

    @discardableResult
    static func check(_ input: [UInt8], limits: HTTPParserLimits) -> [HTTPParserEvent] {
        // A per-route limit taken from the input, so limits change between messages too.
        let routeLimit = input.first.map { Int($0) * 16 }
        let whole = run([input], limits: limits, routeLimit: routeLimit)
        var strategies: [[[UInt8]]] = []
        if input.count <= 4096 { strategies.append(input.map { [$0] }) }
        var seed = UInt64(truncatingIfNeeded: input.count) &* 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3 where input.count > 1 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let cut = Int(seed >> 33) % input.count
            strategies.append([Array(input[..<cut]), Array(input[cut...])])
        }
        for pieces in strategies {
            let events = run(pieces, limits: limits, routeLimit: routeLimit)
            guard events == whole else {
                fail("split \(pieces.map(\.count)) gave \(events.count) events, whole input gave \(whole.count)", input)
            }
        }
        return whole
    }

    /// Feeds the pieces and returns the events with adjacent body pieces merged, checking the
    /// event grammar `(head body* end)* [head body*] [error]` and the limits on the way.
    static func run(_ pieces: [[UInt8]], limits: HTTPParserLimits, routeLimit: Int?) -> [HTTPParserEvent] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPParserEvent] = []
        var inMessage = false
        var dead = false
        var bodyTotal = 0
        var bodyLimit = limits.body
        var declaredLength: Int?
        var appended = 0
        let total = pieces.reduce(0) { $0 + $1.count }
        var steps = 0
        for piece in pieces {
            parser.append(piece)
            appended += piece.count
            while let event = parser.next() {
                steps += 1
                // Every event but `.end` consumes at least one byte, and `.end` follows a head.
                if steps > 2 * total + 4 { fail("more events than the input can hold", pieces.flatMap { $0 }) }
                if dead { fail("an event after an error", pieces.flatMap { $0 }) }
                if parser.bufferedByteCount > appended {
                    fail("buffer holds more than was appended", pieces.flatMap { $0 })
                }
                switch event {
                case .head(let head):
                    if inMessage { fail("a head inside a message", pieces.flatMap { $0 }) }
                    inMessage = true
                    bodyTotal = 0
                    bodyLimit = routeLimit ?? limits.body
                    parser.setBodyLimit(bodyLimit)
                    declaredLength = head.headers["Content-Length"].flatMap { Int($0) }
                    if let problem = problem(in: head) { fail(problem, pieces.flatMap { $0 }) }
                case .body(let bytes):
                    if !inMessage || bytes.isEmpty { fail("a body outside a message or empty", pieces.flatMap { $0 }) }
                    bodyTotal += bytes.count
                    if bodyTotal > bodyLimit { fail("body exceeds its limit", pieces.flatMap { $0 }) }
                    if let declaredLength, bodyTotal > declaredLength {
                        fail("body longer than its Content-Length", pieces.flatMap { $0 })
                    }
                case .end:
                    if !inMessage { fail("an end without a head", pieces.flatMap { $0 }) }
                    if let declaredLength, bodyTotal != declaredLength {
                        fail("body shorter than its Content-Length", pieces.flatMap { $0 })
                    }
                    inMessage = false
                case .error(let error):
                    if ![400, 413, 414, 431, 501, 505].contains(error.status.code) || error.reason.isEmpty {
                        fail("unexpected error \(error)", pieces.flatMap { $0 })
                    }
                    dead = true
                }
                if case .body(let more) = event, case .body(let earlier)? = events.last {
                    events[events.count - 1] = .body(earlier + more)
                } else {
                    events.append(event)
                }
            }
        }
        return events
    }

    /// What an accepted head must never contain, whatever the input was.
    static func problem(in head: HTTPRequestHead) -> String? {
        guard head.target.hasPrefix("/") || (head.target == "*" && head.method == .options) else {
            return "accepted target \(head.target.debugDescription) is not origin-form"
        }
        if head.target.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) { return "target holds a space or control" }
        if head.version == .http1_1 && head.headers.values("Host").count != 1 {
            return "HTTP/1.1 head without one Host"
        }
        if head.headers.contains("Content-Length") && head.headers.contains("Transfer-Encoding") {
            return "accepted both Content-Length and Transfer-Encoding"
        }
        for field in head.headers {
            if field.name.isEmpty || field.name.utf8.contains(where: { $0 <= 0x20 || $0 == 0x3A || $0 >= 0x7F }) {
                return "accepted field name \(field.name.debugDescription)"
            }
            if field.value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                return "accepted a control character in \(field.name)"
            }
        }
        return nil
    }

    static func fail(_ message: String, _ input: [UInt8]) -> Never {
        let shown = String(decoding: input.prefix(200), as: UTF8.self).debugDescription
        fatalError("FuzzHTTP invariant broken: \(message); input (\(input.count) bytes) starts \(shown)")
    }
}
