import EdgeCore

extension OrderTicket {
    /// A trailing stop's link ([T] OrderRequest `stopPriceLinkBasis`, `stopPriceLinkType`,
    /// `stopPriceOffset`): the stop follows the best basis price seen since entry (the highest for
    /// a sell, the lowest for a buy) at `offset` from it, and the order becomes a market order when
    /// the basis price comes back to the stop.
    struct Trail: Sendable, Equatable {
        /// `LAST`, `BID`, `ASK` or `MARK`: the price the stop follows and is triggered by.
        var basis: String
        /// `VALUE` (dollars), `PERCENT` (of the basis price) or `TICK` (cents).
        var type: String
        /// How far the stop trails, in `type` units; above zero.
        var offset: Double

        /// The bases the sandbox follows; Schwab's others (MANUAL, BASE, TRIGGER, ASK_BID,
        /// AVERAGE) name prices the model does not have.
        static let bases: Set<String> = ["LAST", "BID", "ASK", "MARK"]
        /// Every link type Schwab names.
        static let types: Set<String> = ["VALUE", "PERCENT", "TICK"]

        /// The basis price in `quote`.
        func price(in quote: PriceSnapshot) -> Double {
            switch basis {
            case "BID": quote.bid
            case "ASK": quote.ask
            case "MARK": quote.mark
            default: quote.last
            }
        }

        /// The stop for the best basis price so far: below it for a sell, above it for a buy.
        func stop(from best: Double, isBuy: Bool) -> Double {
            let distance =
                switch type {
                case "PERCENT": best * offset / 100
                case "TICK": offset * 0.01
                default: offset
                }
            return PriceModel.cents(isBuy ? best + distance : best - distance)
        }
    }

    /// The trail of a TRAILING_STOP order: `stopPriceOffset` is required; the basis defaults to
    /// LAST and the type to VALUE, as Schwab's order entry fills them in.
    static func parseTrail(_ json: JSONValue, path: String, problems: inout [String]) -> Trail? {
        guard let offsetJSON = json["stopPriceOffset"] else {
            problems.append("\(path)stopPriceOffset is required for a TRAILING_STOP order")
            return nil
        }
        guard let offset = offsetJSON.numberValue, offset.isFinite, offset > 0 else {
            problems.append("\(path)stopPriceOffset must be a number greater than zero")
            return nil
        }
        var trail = Trail(basis: "LAST", type: "VALUE", offset: offset)
        if let basis = json["stopPriceLinkBasis"] {
            guard let text = basis.stringValue, Trail.bases.contains(text) else {
                problems.append(
                    "\(path)stopPriceLinkBasis \(basis.jsonText) is not simulated by the sandbox; use "
                        + Trail.bases.sorted().joined(separator: ", "))
                return nil
            }
            trail.basis = text
        }
        if let type = json["stopPriceLinkType"] {
            guard let text = type.stringValue, Trail.types.contains(text) else {
                problems.append(
                    "\(path)stopPriceLinkType \(type.jsonText) is not one of "
                        + Trail.types.sorted().joined(separator: ", "))
                return nil
            }
            trail.type = text
        }
        if trail.type == "PERCENT" && offset >= 100 {
            problems.append("\(path)a PERCENT stopPriceOffset must be below 100")
            return nil
        }
        return trail
    }
}
