import EdgeCore

extension OrderTicket {
    /// Validates one entry of `orderLegCollection`: instruction, quantity and a known instrument.
    static func parseLeg(_ json: JSONValue, now: Double, path: String, problems: inout [String]) -> Leg? {
        guard case .object = json else {
            problems.append("\(path) must be an object")
            return nil
        }
        let instruction = json["instruction"]?.stringValue
        guard let instruction, allInstructions.contains(instruction) else {
            problems.append(
                "\(path)instruction is required and must be one of \(allInstructions.sorted().joined(separator: ", "))")
            return nil
        }
        guard case .some(let quantityJSON) = json["quantity"], let quantity = quantityJSON.numberValue,
            quantityJSON.stringValue == nil
        else {
            problems.append("\(path)quantity is required and must be a number")
            return nil
        }
        if quantity <= 0 || quantity != quantity.rounded() {
            problems.append("\(path)quantity must be a whole number greater than zero, received \(quantity)")
        }
        guard let instrument = json["instrument"], case .object = instrument,
            let symbol = instrument["symbol"]?.stringValue, let assetType = instrument["assetType"]?.stringValue
        else {
            problems.append("\(path)instrument with symbol and assetType is required")
            return nil
        }
        var option: OptionSymbol?
        switch assetType {
        case "EQUITY":
            guard let known = MarketUniverse.lookup(symbol), !known.isIndex else {
                problems.append("\(path)instrument.symbol '\(symbol)' is not a tradable symbol")
                return nil
            }
            if !equityInstructions.contains(instruction) {
                problems.append(
                    "\(path)instruction \(instruction) does not apply to EQUITY; use BUY, SELL, SELL_SHORT or BUY_TO_COVER"
                )
            }
        case "OPTION":
            guard let parsed = OptionSymbol(occ: symbol) else {
                problems.append(
                    "\(path)instrument.symbol '\(symbol)' is not an OCC option symbol such as 'SPY   250620C00550000'")
                return nil
            }
            guard MarketUniverse.lookup(parsed.root) != nil else {
                problems.append("\(path)the option's underlying '\(parsed.root)' is not a known symbol")
                return nil
            }
            if parsed.expiryEpoch < now {
                problems.append("\(path)the option \(symbol) expired on \(parsed.expiryDay)")
            }
            if !optionInstructions.contains(instruction) {
                problems.append(
                    "\(path)instruction \(instruction) does not apply to OPTION; use BUY_TO_OPEN, SELL_TO_CLOSE, ...")
            }
            option = parsed
        default:
            problems.append(
                "\(path)instrument.assetType \(assetType) is not simulated by the sandbox; use EQUITY or OPTION")
            return nil
        }
        return Leg(instruction: instruction, quantity: quantity, symbol: symbol, assetType: assetType, option: option)
    }
}
