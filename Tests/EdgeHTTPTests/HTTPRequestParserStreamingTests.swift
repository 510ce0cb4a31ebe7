import Testing

@testable import EdgeHTTP

/// The parser hands out bodies as they arrive and keeps its memory bounded on long connections.
@Suite struct HTTPRequestParserStreamingTests {
    @Test func bodyIsDeliveredBeforeItIsComplete() {
        var parser = HTTPRequestParser()
        parser.append(bytes("POST /m HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello"))
        #expect(parser.next()?.isHead == true)
        #expect(parser.next() == .body(bytes("hello")))
        #expect(parser.next() == nil)
        parser.append(bytes("world"))
        #expect(parser.next() == .body(bytes("world")))
        #expect(parser.next() == .end)
        #expect(parser.next() == nil)
    }

    @Test func chunkedBodyIsDeliveredBeforeTheChunkIsComplete() {
        var parser = HTTPRequestParser()
        parser.append(bytes("POST /m HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello"))
        #expect(parser.next()?.isHead == true)
        #expect(parser.next() == .body(bytes("hello")))
        #expect(parser.next() == nil)
        parser.append(bytes("world\r\n0\r\n\r\n"))
        #expect(parser.next() == .body(bytes("world")))
        #expect(parser.next() == .end)
    }

    @Test func longKeepAliveConnectionKeepsTheBufferSmall() {
        let request = bytes("POST /messages?sessionId=abc HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        let stream = [[UInt8]](repeating: request, count: 2000).flatMap { $0 }
        var parser = HTTPRequestParser()
        var ends = 0
        var largestBuffer = 0
        var offset = 0
        while offset < stream.count {
            let piece = stream[offset..<min(stream.count, offset + 37)]  // reads that cut lines anywhere
            offset += piece.count
            parser.append(Array(piece))
            while let event = parser.next() {
                if case .end = event { ends += 1 }
                #expect(!event.isError)
            }
            largestBuffer = max(largestBuffer, parser.buffer.count)
        }
        #expect(ends == 2000)
        #expect(parser.bufferedByteCount == 0)
        #expect(largestBuffer < 3 * 4096, "consumed bytes are dropped as the connection goes on")
    }

    @Test func seedAndRegressionCorpusParsesTheSameWhateverTheSplit() throws {
        // The fuzzer's committed inputs (Tests/fuzz-corpus/http), replayed as a test.
        let folder =
            String(#filePath.dropLast("EdgeHTTPTests/HTTPRequestParserStreamingTests.swift".count))
            + "fuzz-corpus/http"
        let names = try corpusFiles(in: folder)
        #expect(names.count >= 10)
        for name in names {
            let input = try readFile(folder + "/" + name)
            let whole = parse([input])
            #expect(parse(input.map { [$0] }) == whole, "\(name)")
            #expect(!whole.isEmpty, "\(name) produced no event")
        }
    }
}
