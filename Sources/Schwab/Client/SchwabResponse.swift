import EdgeCore

/// A successful answer from Schwab: status, parsed JSON body, and the headers that carry meaning.
public struct SchwabResponse: Sendable {
    /// The HTTP status (200, or 201 for a placed or replaced order).
    public var status: Int
    /// The parsed body, `.null` when the body was empty (order POST/PUT/DELETE answers).
    public var json: JSONValue
    /// `Schwab-Client-CorrelId`: Schwab's id for this call, to quote to Schwab support.
    public var correlationId: String?
    /// The `Location` header: the new order's URL after a POST or PUT of an order.
    public var location: String?
    /// The order id: the last path segment of `Location` (`.../orders/{orderId}`).
    public var orderId: String?

    /// Makes a response from its parts; `orderId` is read from `location`.
    public init(status: Int, json: JSONValue, correlationId: String? = nil, location: String? = nil) {
        self.status = status
        self.json = json
        self.correlationId = correlationId
        self.location = location
        self.orderId = location.flatMap(SchwabLocation.orderId(from:))
    }
}
