import Testing

@testable import EdgeHTTP

/// Each limit answers with its own status, as soon as it is crossed, and not a byte earlier.
@Suite struct HTTPRequestParserLimitTests {
    static func get(target: String, fields: [String] = []) -> [UInt8] {
        bytes("GET \(target) HTTP/1.1\r\nHost: h\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n")
    }

    @Test func requestLineAtTheLimitIsAccepted() {
        // "GET " + target + " HTTP/1.1" is exactly 8192 bytes.
        let target = "/" + String(repeating: "a", count: 8192 - 4 - 9 - 1)
        let events = parse([Self.get(target: target)])
        #expect(events.count == 2)
        #expect(firstError(events) == nil)
    }

    @Test func requestLineOverTheLimitIs414() {
        let target = "/" + String(repeating: "a", count: 8192 - 4 - 9)
        #expect(firstError(parse([Self.get(target: target)]))?.status == .uriTooLong)
        #expect(firstError(parse(Self.get(target: target).map { [$0] }))?.status == .uriTooLong)
    }

    @Test func longRequestLineIsRefusedBeforeItEnds() {
        // No CRLF ever arrives: the parser must not wait for one while buffering without bound.
        var parser = HTTPRequestParser()
        parser.append(bytes("GET /" + String(repeating: "a", count: 8188)))
        #expect(parser.next() == nil)
        parser.append(bytes("aa"))
        #expect(parser.next() == .error(HTTPRequestParser.uriTooLong))
    }

    @Test func hundredFieldsAreAcceptedAndOneMoreIs431() {
        let ninetyNine = (1...99).map { "X-\($0): v" }  // plus Host makes 100
        #expect(firstError(parse([Self.get(target: "/", fields: ninetyNine)])) == nil)
        let hundred = (1...100).map { "X-\($0): v" }
        #expect(firstError(parse([Self.get(target: "/", fields: hundred)]))?.status == .headersTooLarge)
    }

    @Test func headerSectionOverTheLimitIs431EvenBeforeItEnds() {
        let big = "X-Big: " + String(repeating: "b", count: 40000)
        #expect(firstError(parse([Self.get(target: "/", fields: [big])]))?.status == .headersTooLarge)
        var parser = HTTPRequestParser()
        parser.append(bytes("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 33000)))
        #expect(parser.next() == .error(HTTPRequestParser.headersTooLarge))
    }

    @Test func headerSectionExactlyAtTheLimitIsAccepted() {
        let limits = HTTPParserLimits(headerBytes: 100)
        // "Host: h\r\n" is 9 bytes; the second field line fills the remaining 91 with its CRLF.
        let filler = "X: " + String(repeating: "f", count: 91 - 2 - 3)
        let request = Self.get(target: "/", fields: [filler])
        #expect(firstError(parse([request], limits: limits)) == nil)
        let over = Self.get(target: "/", fields: [filler + "f"])
        #expect(firstError(parse([over], limits: limits))?.status == .headersTooLarge)
        #expect(firstError(parse(over.map { [$0] }, limits: limits))?.status == .headersTooLarge)
    }

    static func post(length: Int) -> [UInt8] {
        bytes("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\r\n")
            + [UInt8](repeating: 0x61, count: length)
    }

    static func chunked(_ sizes: [Int]) -> [UInt8] {
        var raw = bytes("POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
        for size in sizes {
            raw += bytes(String(size, radix: 16) + "\r\n") + [UInt8](repeating: 0x62, count: size) + bytes("\r\n")
        }
        return raw + bytes("0\r\n\r\n")
    }

    @Test func defaultBodyLimitIsOneMebibyte() {
        #expect(firstError(parse([Self.post(length: 1 << 20)])) == nil)
        #expect(firstError(parse([Self.post(length: (1 << 20) + 1)]))?.status == .payloadTooLarge)
        #expect(firstError(parse([Self.chunked([1 << 19, 1 << 19])])) == nil)
        #expect(firstError(parse([Self.chunked([1 << 19, 1 << 19, 1])]))?.status == .payloadTooLarge)
    }

    @Test(arguments: [(10, 10, true), (10, 11, false), (2 << 20, (1 << 20) + 5, true), (0, 1, false)])
    func perRouteBodyLimitAppliesToContentLength(limit: Int, length: Int, accepted: Bool) {
        let events = parse([Self.post(length: length)], bodyLimit: limit)
        #expect((firstError(events) == nil) == accepted)
        if !accepted { #expect(firstError(events)?.status == .payloadTooLarge) }
    }

    @Test(arguments: [(10, [4, 6], true), (10, [4, 7], false), (3 << 20, [1 << 20, 1 << 20], true)])
    func perRouteBodyLimitAppliesToChunkedTotal(limit: Int, sizes: [Int], accepted: Bool) {
        let events = parse([Self.chunked(sizes)], bodyLimit: limit)
        #expect((firstError(events) == nil) == accepted)
        if !accepted { #expect(firstError(events)?.status == .payloadTooLarge) }
    }

    @Test func contentLengthOverTheLimitIsRefusedBeforeAnyBodyArrives() {
        var parser = HTTPRequestParser()
        parser.append(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\n"))
        guard case .head = parser.next() else {
            Issue.record("expected the head")
            return
        }
        parser.setBodyLimit(49)
        #expect(parser.next()?.isError == true)
    }

    @Test func chunkedBodyOverTheLimitStopsBeforeDeliveringTheExcess() {
        let events = parse([Self.chunked([6, 6])], bodyLimit: 10)
        #expect(events.first?.isHead == true)
        #expect(events.dropFirst().first == .body([UInt8](repeating: 0x62, count: 6)))
        #expect(firstError(events)?.status == .payloadTooLarge)
    }

    @Test func limitResetsForTheNextPipelinedRequest() {
        let two = Self.post(length: 20) + Self.post(length: 20)
        var parser = HTTPRequestParser()
        parser.append(two)
        var heads = 0
        var failed = false
        while let event = parser.next() {
            if case .head = event {
                heads += 1
                if heads == 1 { parser.setBodyLimit(100) }
            }
            if case .error = event { failed = true }
        }
        #expect(heads == 2)
        #expect(!failed)
    }

    @Test func trailersHaveTheirOwnFieldLimit() {
        let limits = HTTPParserLimits(headerCount: 3)
        var raw = bytes("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n")
        raw += bytes("T1: a\r\nT2: b\r\nT3: c\r\n\r\n")
        #expect(firstError(parse([raw], limits: limits)) == nil)
        raw.removeLast(2)
        raw += bytes("T4: d\r\n\r\n")
        #expect(firstError(parse([raw], limits: limits))?.status == .headersTooLarge)
    }

    @Test func bufferedByteCountShrinksAsEventsAreTaken() {
        var parser = HTTPRequestParser()
        let raw = Self.post(length: 100)
        parser.append(raw)
        #expect(parser.bufferedByteCount == raw.count)
        _ = parser.next()
        #expect(parser.bufferedByteCount == 100)
        _ = parser.next()
        #expect(parser.bufferedByteCount == 0)
    }
}

extension HTTPParserEvent {
    var isError: Bool {
        if case .error = self { return true }
        return false
    }
    var isHead: Bool {
        if case .head = self { return true }
        return false
    }
}
