import EdgeHTTP

/// Feeds a parser the given pieces one after another and collects every event, merging
/// adjacent body pieces so that results from different splits compare equal.
func parse(
    _ pieces: [[UInt8]], limits: HTTPParserLimits = .default, bodyLimit: Int? = nil
) -> [HTTPParserEvent] {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPParserEvent] = []
    for piece in pieces {
        parser.append(piece)
        while let event = parser.next() {
            if case .head = event, let bodyLimit { parser.setBodyLimit(bodyLimit) }
            if case .body(let more) = event, case .body(let earlier)? = events.last {
                events[events.count - 1] = .body(earlier + more)
            } else {
                events.append(event)
            }
        }
    }
    return events
}

/// The bytes of `text`, for writing raw requests readably.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Every way of cutting `input` in two, plus one byte at a time.
func splits(of input: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = (0...input.count).map { cut in [Array(input[..<cut]), Array(input[cut...])] }
    result.append(input.map { [$0] })
    return result
}

/// The error in a list of events, if any.
func firstError(_ events: [HTTPParserEvent]) -> HTTPParseError? {
    for case .error(let error) in events { return error }
    return nil
}
