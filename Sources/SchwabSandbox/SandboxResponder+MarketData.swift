import EdgeCore
import EdgeHTTP

extension SandboxResponder {
    /// The Market Data API under `/marketdata/v1` ([M] paths).
    mutating func addMarketDataRoutes() {
        let state = self.state
        let base = "/marketdata/v1"
        add(.get, base + "/quotes", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let query = SandboxResponder.query(request)
            let symbols = (query["symbols"] ?? "").split(separator: ",").map { String($0.trimmingSpaces) }
                .filter { !$0.isEmpty }
            guard !symbols.isEmpty else {
                throw SandboxError.badRequest("symbols is required: nothing to search for", parameter: "symbols")
            }
            let fields = try QuoteJSON.fields(query["fields"])
            let indicative = try query.bool("indicative") ?? false
            let view = QuoteJSON(pricer: state.pricer, now: state.clock.now())
            return SandboxResponder.json(view.response(symbols: symbols, fields: fields, indicative: indicative))
        }
        add(.get, base + "/chains", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let chain = try SandboxResponder.chainRequest(SandboxResponder.query(request))
            guard let body = OptionChainJSON(pricer: state.pricer, now: state.clock.now()).chain(chain) else {
                throw SandboxError(
                    code: "not_found", status: 404, message: "No option chain for symbol '\(chain.symbol)'",
                    parameter: "symbol")
            }
            return SandboxResponder.json(body)
        }
        add(.get, base + "/expirationchain", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let symbol = try SandboxResponder.query(request).required("symbol")
            guard
                let body = OptionChainJSON(pricer: state.pricer, now: state.clock.now()).expirationChain(symbol: symbol)
            else {
                throw SandboxError(
                    code: "not_found", status: 404, message: "No expirations for symbol '\(symbol)'",
                    parameter: "symbol")
            }
            return SandboxResponder.json(body)
        }
        add(.get, base + "/pricehistory", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let query = SandboxResponder.query(request)
            guard let body = try PriceHistoryJSON(pricer: state.pricer, now: state.clock.now()).response(query) else {
                throw SandboxError(
                    code: "not_found", status: 404, message: "No price history for symbol '\(query["symbol"] ?? "")'",
                    parameter: "symbol")
            }
            return SandboxResponder.json(body)
        }
        add(.get, base + "/movers/:index", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let index = request.parameters["index"] ?? ""
            guard MarketInfoJSON.moverIndices.contains(index) else {
                throw SandboxError.badRequest(
                    "symbol_id '\(index)' is not one of \(MarketInfoJSON.moverIndices.joined(separator: ", "))",
                    parameter: "symbol_id")
            }
            let query = SandboxResponder.query(request)
            let sort =
                try query.oneOf("sort", ["VOLUME", "TRADES", "PERCENT_CHANGE_UP", "PERCENT_CHANGE_DOWN"]) ?? "VOLUME"
            _ = try query.oneOf("frequency", ["0", "1", "5", "10", "30", "60"])
            return SandboxResponder.json(
                MarketInfoJSON(pricer: state.pricer, now: state.clock.now()).movers(index: index, sort: sort))
        }
        add(.get, base + "/markets", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let query = SandboxResponder.query(request)
            let markets = try SandboxResponder.marketList(try query.required("markets"))
            let day = try SandboxResponder.marketDay(query, now: state.clock.now())
            return SandboxResponder.json(
                MarketInfoJSON(pricer: state.pricer, now: state.clock.now()).hours(markets: markets, day: day))
        }
        add(.get, base + "/markets/:market", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let markets = try SandboxResponder.marketList(request.parameters["market"] ?? "")
            let day = try SandboxResponder.marketDay(SandboxResponder.query(request), now: state.clock.now())
            return SandboxResponder.json(
                MarketInfoJSON(pricer: state.pricer, now: state.clock.now()).hours(markets: markets, day: day))
        }
        add(.get, base + "/instruments", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let query = SandboxResponder.query(request)
            let symbol = try query.required("symbol")
            guard
                let projection = try query.oneOf(
                    "projection",
                    ["symbol-search", "symbol-regex", "desc-search", "desc-regex", "search", "fundamental"])
            else { throw SandboxError.badRequest("projection is required", parameter: "projection") }
            let body = try MarketInfoJSON(pricer: state.pricer, now: state.clock.now())
                .instruments(symbol: symbol, projection: projection)
            var response = SandboxResponder.json(body)
            response.headers.set("Schwab-Resource-Version", "1.0")
            return response
        }
        add(.get, base + "/instruments/:cusip", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let cusip = request.parameters["cusip"] ?? ""
            guard let symbol = MarketUniverse.lookup(cusip: cusip) else {
                throw SandboxError(code: "not_found", status: 404, message: "No instrument has CUSIP '\(cusip)'")
            }
            return SandboxResponder.json(
                MarketInfoJSON(pricer: state.pricer, now: state.clock.now()).instrument(symbol, fundamental: false))
        }
        add(.get, base + "/:symbol/quotes", .marketData) { request throws(SandboxError) in
            _ = try state.user(of: request)
            let symbol = request.parameters["symbol"] ?? ""
            let fields = try QuoteJSON.fields(SandboxResponder.query(request)["fields"])
            let view = QuoteJSON(pricer: state.pricer, now: state.clock.now())
            return SandboxResponder.json(view.response(symbols: [symbol], fields: fields))
        }
    }

    static func marketList(_ text: String) throws(SandboxError) -> [String] {
        let names = text.split(separator: ",").map { String($0.trimmingSpaces) }
        guard !names.isEmpty else { throw SandboxError.badRequest("markets is required", parameter: "markets") }
        for name in names where !MarketInfoJSON.marketNames.contains(name) {
            throw SandboxError.badRequest(
                "market '\(name)' is not one of \(MarketInfoJSON.marketNames.joined(separator: ", "))",
                parameter: "markets")
        }
        return names
    }

    /// `date` (yyyy-MM-dd) from today up to one year ahead; today by default.
    static func marketDay(_ query: SandboxQuery, now: Double) throws(SandboxError) -> Double {
        let today = (now / 86_400).rounded(.down) * 86_400
        guard let text = query["date"] else { return today }
        guard let day = SandboxDates.parseDay(text) else {
            throw SandboxError.badRequest("date '\(text)' must be in the form YYYY-MM-DD", parameter: "date")
        }
        guard day >= today, day <= today + 366 * 86_400 else {
            throw SandboxError.badRequest("date must be between today and one year from today", parameter: "date")
        }
        return day
    }

    static func chainRequest(_ query: SandboxQuery) throws(SandboxError) -> OptionChainJSON.Request {
        var chain = OptionChainJSON.Request(symbol: try query.required("symbol"))
        chain.contractType = try query.oneOf("contractType", ["CALL", "PUT", "ALL"]) ?? "ALL"
        chain.strikeCount = try query.int("strikeCount")
        chain.includeUnderlyingQuote = try query.bool("includeUnderlyingQuote") ?? false
        let strategies = [
            "SINGLE", "ANALYTICAL", "COVERED", "VERTICAL", "CALENDAR", "STRANGLE", "STRADDLE", "BUTTERFLY", "CONDOR",
            "DIAGONAL", "COLLAR", "ROLL",
        ]
        // Every strategy Schwab accepts is accepted. Schwab's published OptionChain schema has only
        // the per-contract maps, so spread strategies answer with those maps too, echoing the
        // strategy and the spread `interval` (strike width) they were asked for.
        chain.strategy = try query.oneOf("strategy", strategies) ?? "SINGLE"
        if let interval = try query.double("interval") {
            guard interval >= 0 else {
                throw SandboxError.badRequest("interval must not be negative", parameter: "interval")
            }
            chain.interval = interval
        }
        chain.strike = try query.double("strike")
        chain.range = try query.oneOf("range", ["ITM", "NTM", "OTM", "SAK", "SBK", "SNK", "ALL"]) ?? "ALL"
        for name in ["fromDate", "toDate"] {
            if let text = query[name] {
                guard let day = SandboxDates.parseDay(text) else {
                    throw SandboxError.badRequest("\(name) '\(text)' must be yyyy-MM-dd", parameter: name)
                }
                if name == "fromDate" { chain.fromDay = day } else { chain.toDay = day }
            }
        }
        for name in ["volatility", "underlyingPrice", "interestRate"] { _ = try query.double(name) }
        _ = try query.int("daysToExpiration")
        chain.expMonth =
            try query.oneOf(
                "expMonth", ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "ALL"])
            ?? "ALL"
        _ = try query.oneOf("entitlement", ["PN", "NP", "PP"])
        return chain
    }
}
