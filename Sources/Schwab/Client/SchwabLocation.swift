import EdgeHTTP

/// Reads the order id out of the `Location` header Schwab sends with 201 for a placed or replaced
/// order: `https://api.schwabapi.com/trader/v1/accounts/{hash}/orders/{orderId}`
/// (reference/schwab-api.md §3).
public enum SchwabLocation {
    /// The segment right after the last `orders` segment, without query or fragment, when it is a
    /// run of 1-19 digits (Schwab order ids are int64); nil otherwise.
    public static func orderId(from location: String) -> String? {
        var text = Substring(location)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        let segments = text.split(separator: "/", omittingEmptySubsequences: true)
        guard let orders = segments.lastIndex(of: "orders"), orders + 1 == segments.count - 1 else { return nil }
        let id = segments[orders + 1].trimmingSpaces
        guard !id.isEmpty, id.count <= 19, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return String(id)
    }
}
