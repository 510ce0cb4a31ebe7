"""Every JSON body the sandbox returns validates against Schwab's own OpenAPI schema.

The specs come from `<repo>/../shared/reference/schwab-openapi`. Where Schwab's real responses
and its spec are known to disagree (reference/schwab-api.md), the spec is patched here, in the
open, and the sandbox emits what Schwab really sends: user preference and transaction-by-id as one
object, option contracts wrapped in a one-element array, `name` not required on instruments.
"""

import copy
import json
import time

import jsonschema
import pytest

from test_sandbox_support import REPO, Sandbox, iso

SPECS = REPO.parent / "shared" / "reference" / "schwab-openapi"


def load(name):
    return json.loads((SPECS / name).read_text())


def to_json_schema(node):
    """OpenAPI 3.0 schema objects -> JSON Schema 2020-12: `nullable`, and `oneOf` with a
    discriminator mapping becomes the if/then selection OpenAPI means by it."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key not in ("example", "xml")}
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
    if out.get("pattern") == "yyyy-MM-dd'T'HH:mm:ssZ":
        # A Java date format where a regex belongs (its own example fails it as a regex).
        out["pattern"] = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
    discriminator = out.pop("discriminator", None)
    if discriminator and "oneOf" in out and discriminator.get("mapping"):
        prop = discriminator["propertyName"]
        mapping = discriminator["mapping"]
        del out["oneOf"]
        out["required"] = sorted(set(out.get("required", [])) | {prop})
        out.setdefault("properties", {})[prop] = {"enum": sorted(mapping)}
        out["allOf"] = out.get("allOf", []) + [
            {"if": {"properties": {prop: {"const": key}}, "required": [prop]}, "then": {"$ref": ref}}
            for key, ref in mapping.items()]
    return out


# Fields real Schwab payloads carry beyond the spec's schemas; the sandbox sends them too.
REAL_EXTRAS = {
    "Account": {"aggregatedBalance"},
    "OrderActivity": {"activityId"},
    "OptionChain": {"numberOfContracts"},
    "OptionContract": {"bid", "ask", "last", "mark"},
    "Expiration": {"expirationDate"},
    "Screener": {"volume", "trades", "netChange", "netPercentChange", "marketShare"},
}


def strict(schemas):
    """No undeclared fields: `unevaluatedProperties: false` on every object schema that is not
    itself the base of an allOf (the composed schema closes over its bases instead)."""
    bases = set()

    def collect(node):
        if isinstance(node, dict):
            for part in node.get("allOf", []):
                if "$ref" in part:
                    bases.add(part["$ref"].rsplit("/", 1)[1])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schemas)

    def close(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("if", "not"):  # selectors test a value, they do not describe it
                    close(value)
            if "properties" in node and "additionalProperties" not in node:
                node["unevaluatedProperties"] = False
        elif isinstance(node, list):
            for value in node:
                close(value)

    for name, schema in schemas.items():
        if name in bases:
            continue
        close(schema)
        if name in REAL_EXTRAS:
            for field in REAL_EXTRAS[name]:
                schema.setdefault("properties", {})[field] = {}


def components(spec, patches):
    schemas = copy.deepcopy(spec["components"]["schemas"])
    patches(schemas)
    converted = to_json_schema(schemas)
    strict(converted)
    return {"schemas": converted}


def trader_patches(schemas):
    # Spec defect (schwab-api.md §3): `name` is required but never defined; real payloads lack it.
    for name in ("AccountsBaseInstrument", "TransactionBaseInstrument"):
        schemas[name]["required"] = ["assetType"]


def market_patches(schemas):
    # Real chains wrap each strike's contract in a one-element array (schwab-api.md §4).
    schemas["OptionContractMap"]["additionalProperties"] = {
        "type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/OptionContract"}}
    # The quote map's oneOf has no discriminator: pick the member by assetMainType, as clients do.
    schemas["QuoteResponseObject"] = {"type": "object", "allOf": [
        {"if": {"properties": {"assetMainType": {"const": kind}}, "required": ["assetMainType"]},
         "then": {"$ref": "#/components/schemas/" + target}}
        for kind, target in (("EQUITY", "EquityResponse"), ("INDEX", "IndexResponse"), ("OPTION", "OptionResponse"))]
        + [{"if": {"not": {"required": ["assetMainType"]}}, "then": {"$ref": "#/components/schemas/QuoteError"}}]}


TRADER = load("trader-api-openapi-spec.json")
MARKET = load("market-data-openapi-spec.json")
TRADER_COMPONENTS = components(TRADER, trader_patches)
MARKET_COMPONENTS = components(MARKET, market_patches)


def check(body, schema, components_):
    validator = jsonschema.Draft202012Validator({**schema, "components": components_})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def response_schema(spec, path, method="get", status="200"):
    schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return to_json_schema(schema)


@pytest.fixture(scope="module")
def world():
    sandbox = Sandbox("--seed", "7")
    try:
        token = sandbox.access_token("casey")
        status, _, numbers = sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token)
        assert status == 200
        yield sandbox, token, [n["hashValue"] for n in numbers]
    finally:
        sandbox.stop()


def get(world, path, expected=200):
    sandbox, token, _ = world
    status, headers, body = sandbox.request("GET", path, token)
    assert status == expected, (path, body)
    assert headers["Schwab-Client-CorrelId"], path  # on every answer, errors included
    return headers, body


def test_account_numbers_accounts_and_preferences_validate(world):
    _, body = get(world, "/trader/v1/accounts/accountNumbers")
    check(body, response_schema(TRADER, "/accounts/accountNumbers"), TRADER_COMPONENTS)
    _, body = get(world, "/trader/v1/accounts?fields=positions")
    check(body, response_schema(TRADER, "/accounts"), TRADER_COMPONENTS)
    assert all("positions" in a["securitiesAccount"] for a in body)
    assert {a["securitiesAccount"]["type"] for a in body} == {"MARGIN", "CASH"}
    for hash_value in world[2]:
        headers, body = get(world, f"/trader/v1/accounts/{hash_value}?fields=positions")
        assert headers["Schwab-Client-CorrelId"]
        check(body, response_schema(TRADER, "/accounts/{accountNumber}"), TRADER_COMPONENTS)
    _, body = get(world, "/trader/v1/userPreference")
    # Real payloads are one object, not the spec's array (schwab-api.md §3).
    check(body, response_schema(TRADER, "/userPreference")["items"], TRADER_COMPONENTS)
    assert body["streamerInfo"][0]["schwabClientCorrelId"]


def test_orders_preview_and_transactions_validate(world):
    sandbox, token, hashes = world
    now = time.time()
    order = {"session": "NORMAL", "duration": "DAY", "orderType": "LIMIT", "price": "1.00",
             "orderStrategyType": "SINGLE",
             "orderLegCollection": [{"instruction": "BUY", "quantity": 1,
                                     "instrument": {"symbol": "F", "assetType": "EQUITY"}}]}
    status, headers, body = sandbox.request("POST", f"/trader/v1/accounts/{hashes[0]}/orders", token, order)
    assert status == 201 and body is None
    order_id = headers["Location"].rsplit("/", 1)[1]
    span = f"fromEnteredTime={iso(now - 30 * 86400)}&toEnteredTime={iso(now + 86400)}"
    _, body = get(world, f"/trader/v1/accounts/{hashes[0]}/orders?{span}")
    check(body, response_schema(TRADER, "/accounts/{accountNumber}/orders"), TRADER_COMPONENTS)
    assert any(str(o["orderId"]) == order_id and o["status"] == "WORKING" for o in body)
    _, body = get(world, f"/trader/v1/accounts/{hashes[0]}/orders/{order_id}")
    check(body, response_schema(TRADER, "/accounts/{accountNumber}/orders/{orderId}"), TRADER_COMPONENTS)
    _, body = get(world, f"/trader/v1/orders?{span}")
    check(body, response_schema(TRADER, "/orders"), TRADER_COMPONENTS)
    status, _, body = sandbox.request("POST", f"/trader/v1/accounts/{hashes[0]}/previewOrder", token, order)
    assert status == 200
    check(body, response_schema(TRADER, "/accounts/{accountNumber}/previewOrder", "post"), TRADER_COMPONENTS)
    types = "TRADE,ACH_RECEIPT,DIVIDEND_OR_INTEREST"
    _, body = get(world, f"/trader/v1/accounts/{hashes[0]}/transactions?startDate={iso(now - 300 * 86400)}"
                         f"&endDate={iso(now + 86400)}&types={types}")
    check(body, response_schema(TRADER, "/accounts/{accountNumber}/transactions"), TRADER_COMPONENTS)
    assert {t["type"] for t in body} == {"TRADE", "ACH_RECEIPT", "DIVIDEND_OR_INTEREST"}
    _, one = get(world, f"/trader/v1/accounts/{hashes[0]}/transactions/{body[0]['activityId']}")
    # Real payloads are one object, not the spec's array (schwab-api.md §3).
    check(one, response_schema(TRADER, "/accounts/{accountNumber}/transactions/{transactionId}")["items"],
          TRADER_COMPONENTS)


def test_trader_errors_are_service_errors(world):
    sandbox, token, hashes = world
    schema = {"$ref": "#/components/schemas/ServiceError"}
    for path, expected in (("/trader/v1/accounts?fields=bogus", 400),
                           (f"/trader/v1/accounts/{hashes[0]}/orders", 400),
                           ("/trader/v1/accounts/NOTAHASH", 404),
                           (f"/trader/v1/accounts/{hashes[0]}/orders/12", 404)):
        headers, body = get(world, path, expected)
        assert headers["Schwab-Client-CorrelId"]
        check(body, schema, TRADER_COMPONENTS)
    status, _, body = sandbox.request("GET", "/trader/v1/accounts", "not-a-token")
    assert status == 401
    check(body, schema, TRADER_COMPONENTS)
    bad = {"orderStrategyType": "SINGLE", "orderType": "LIMIT", "session": "NORMAL", "duration": "DAY",
           "orderLegCollection": [{"instruction": "BUY", "quantity": 1,
                                   "instrument": {"symbol": "AAPL", "assetType": "EQUITY"}}]}
    status, _, body = sandbox.request("POST", f"/trader/v1/accounts/{hashes[0]}/orders", token, bad)
    assert status == 400 and any("price" in e for e in body["errors"])
    check(body, schema, TRADER_COMPONENTS)


def option_symbol(world):
    _, chain = get(world, "/marketdata/v1/chains?symbol=SPY&contractType=CALL&strikeCount=2")
    expiry = next(iter(chain["callExpDateMap"].values()))
    return next(iter(expiry.values()))[0]["symbol"]


@pytest.mark.parametrize("query", [
    "symbols=AAPL,SPY,$SPX,NOPE",
    "symbols=MSFT&fields=quote,reference",
    "symbols=QQQ&fields=fundamental,extended,regular&indicative=false",
    "symbols=SPY,AAPL&indicative=true",
])
def test_quotes_validate(world, query):
    headers, body = get(world, "/marketdata/v1/quotes?" + query.replace("$", "%24"))
    assert headers["Schwab-Client-CorrelId"]
    check(body, response_schema(MARKET, "/quotes"), MARKET_COMPONENTS)
    if "NOPE" in query:
        assert body["errors"]["invalidSymbols"] == ["NOPE"]
    assert ("$SPY.IV" in body) == ("indicative=true" in query)
    assert "$AAPL.IV" not in body  # only ETFs have an indicative value


def test_option_and_single_symbol_quotes_validate(world):
    symbol = option_symbol(world)
    assert len(symbol) == 21 and symbol.startswith("SPY   ")
    import urllib.parse
    _, body = get(world, "/marketdata/v1/quotes?symbols=" + urllib.parse.quote(symbol))
    check(body, response_schema(MARKET, "/quotes"), MARKET_COMPONENTS)
    assert body[symbol]["assetMainType"] == "OPTION"
    _, body = get(world, "/marketdata/v1/AAPL/quotes")
    check(body, response_schema(MARKET, "/{symbol_id}/quotes"), MARKET_COMPONENTS)


@pytest.mark.parametrize("query", [
    "symbol=SPY",
    "symbol=AAPL&contractType=PUT&strikeCount=6&includeUnderlyingQuote=true&range=OTM",
    "symbol=MSFT&strategy=ANALYTICAL&expMonth=ALL",
    "symbol=SPY&strategy=VERTICAL&interval=5",
    "symbol=QQQ&strategy=STRADDLE",
])
def test_chains_validate(world, query):
    _, body = get(world, "/marketdata/v1/chains?" + query)
    check(body, response_schema(MARKET, "/chains"), MARKET_COMPONENTS)
    assert body["callExpDateMap"] or body["putExpDateMap"]
    asked = dict(pair.split("=") for pair in query.split("&"))
    assert body["strategy"] == asked.get("strategy", "SINGLE")
    assert body["interval"] == float(asked.get("interval", 0))


def test_expirations_history_movers_hours_instruments_validate(world):
    _, body = get(world, "/marketdata/v1/expirationchain?symbol=SPY")
    check(body, response_schema(MARKET, "/expirationchain"), MARKET_COMPONENTS)
    for query in ("symbol=AAPL", "symbol=AAPL&periodType=day&period=1&frequencyType=minute&frequency=5",
                  "symbol=SPY&periodType=month&period=3&frequencyType=daily&needPreviousClose=true",
                  "symbol=MSFT&periodType=year&period=1&frequencyType=weekly", "symbol=QQQ&periodType=ytd"):
        _, body = get(world, "/marketdata/v1/pricehistory?" + query)
        check(body, response_schema(MARKET, "/pricehistory"), MARKET_COMPONENTS)
        assert body["candles"], query
    for index in ("%24SPX", "NASDAQ", "NYSE"):
        _, body = get(world, f"/marketdata/v1/movers/{index}?sort=PERCENT_CHANGE_UP")
        check(body, response_schema(MARKET, "/movers/{symbol_id}"), MARKET_COMPONENTS)
    _, body = get(world, "/marketdata/v1/markets?markets=equity,option,bond,future,forex")
    check(body, response_schema(MARKET, "/markets"), MARKET_COMPONENTS)
    _, body = get(world, "/marketdata/v1/markets/option")
    check(body, response_schema(MARKET, "/markets/{market_id}"), MARKET_COMPONENTS)
    for query in ("symbol=AAPL,MSFT&projection=symbol-search", "symbol=A.*&projection=symbol-regex",
                  "symbol=bank&projection=desc-search", "symbol=NVDA&projection=fundamental"):
        headers, body = get(world, "/marketdata/v1/instruments?" + query)
        check(body, response_schema(MARKET, "/instruments"), MARKET_COMPONENTS)
        assert body["instruments"], query
    cusip = body["instruments"][0]["cusip"]
    _, body = get(world, f"/marketdata/v1/instruments/{cusip}")
    check(body, response_schema(MARKET, "/instruments/{cusip_id}"), MARKET_COMPONENTS)
    assert body["symbol"] == "NVDA"


@pytest.mark.parametrize("path,expected", [
    ("/marketdata/v1/quotes", 400),
    ("/marketdata/v1/quotes?symbols=AAPL&fields=bogus", 400),
    ("/marketdata/v1/chains", 400),
    ("/marketdata/v1/pricehistory?symbol=AAPL&periodType=day&frequencyType=daily", 400),
    ("/marketdata/v1/movers/NOPE", 400),
    ("/marketdata/v1/pricehistory?symbol=AAPL&periodType=year&frequencyType=daily&startDate=-999999999999999", 400),
    ("/marketdata/v1/markets?markets=moon", 400),
    ("/marketdata/v1/instruments?symbol=AAPL", 400),
    ("/marketdata/v1/instruments/000000000", 404),
    ("/marketdata/v1/chains?symbol=NOPE", 404),
])
def test_market_data_errors_are_error_responses(world, path, expected):
    _, body = get(world, path, expected)
    check(body, {"$ref": "#/components/schemas/ErrorResponse"}, MARKET_COMPONENTS)
    assert body["errors"][0]["status"] == str(expected)


@pytest.mark.parametrize("body,schema", [
    ({"orderId": 1, "statusTypo": "WORKING"}, "Order"),
    ({"securitiesAccount": {"type": "MARGIN", "accountNumber": "1", "cashBalanse": 1}}, "Account"),
    ({"orderLegCollection": [{"instrument": {"assetType": "EQUITY", "symbol": "A", "sym": "A"}}]}, "Order"),
])
def test_the_validator_rejects_undeclared_and_misspelt_fields(body, schema):
    with pytest.raises(AssertionError):
        check(body, {"$ref": "#/components/schemas/" + schema}, TRADER_COMPONENTS)


def test_a_vertical_spread_order_validates_with_both_legs(world):
    sandbox, token, hashes = world
    _, chain = get(world, "/marketdata/v1/chains?symbol=SPY&contractType=CALL&strikeCount=4")
    strikes = list(chain["callExpDateMap"].values())[2]
    low, high = [contracts[0]["symbol"] for contracts in list(strikes.values())[:2]]
    order = {"session": "NORMAL", "duration": "DAY", "orderType": "NET_DEBIT", "price": 100.0,
             "complexOrderStrategyType": "VERTICAL", "orderStrategyType": "SINGLE",
             "orderLegCollection": [
                 {"instruction": "BUY_TO_OPEN", "quantity": 1, "instrument": {"symbol": low, "assetType": "OPTION"}},
                 {"instruction": "SELL_TO_OPEN", "quantity": 1, "instrument": {"symbol": high, "assetType": "OPTION"}}]}
    status, headers, body = sandbox.request("POST", f"/trader/v1/accounts/{hashes[0]}/orders", token, order)
    assert status == 201, body
    _, placed = get(world, headers["Location"][headers["Location"].index("/trader/"):])
    check(placed, response_schema(TRADER, "/accounts/{accountNumber}/orders/{orderId}"), TRADER_COMPONENTS)
    assert placed["status"] == "FILLED" and placed["complexOrderStrategyType"] == "VERTICAL"
    legs = placed["orderActivityCollection"][0]["executionLegs"]
    assert [leg["legId"] for leg in legs] == [1, 2]
    _, account = get(world, f"/trader/v1/accounts/{hashes[0]}?fields=positions")
    check(account, response_schema(TRADER, "/accounts/{accountNumber}"), TRADER_COMPONENTS)
    held = {p["instrument"]["symbol"]: p["longQuantity"] - p["shortQuantity"]
            for p in account["securitiesAccount"]["positions"]}
    assert held[low] >= 1 and held[high] <= -1


def test_expired_options_settle_into_valid_transactions():
    sandbox = Sandbox("--seed", "7")
    try:
        token = sandbox.access_token("casey")
        _, _, numbers = sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token)
        account = numbers[0]["hashValue"]
        start = time.time()
        sandbox.admin("POST", "/admin/clock", {"advanceSeconds": 100 * 86400})
        token = sandbox.access_token("casey")
        status, _, body = sandbox.request(
            "GET", f"/trader/v1/accounts/{account}/transactions?startDate={iso(start)}"
                   f"&endDate={iso(start + 101 * 86400)}&types=RECEIVE_AND_DELIVER", token)
        assert status == 200 and len(body) == 1, body
        check(body, response_schema(TRADER, "/accounts/{accountNumber}/transactions"), TRADER_COMPONENTS)
        status, _, account_body = sandbox.request("GET", f"/trader/v1/accounts/{account}?fields=positions", token)
        assert all(p["instrument"]["assetType"] != "OPTION" for p in account_body["securitiesAccount"]["positions"])
    finally:
        sandbox.stop()


def test_bracket_orders_nest_their_children_and_validate(world):
    sandbox, token, hashes = world

    def leg(instruction, quantity=1):
        return [{"instruction": instruction, "quantity": quantity, "instrument": {"symbol": "KO", "assetType": "EQUITY"}}]

    bracket = {"session": "NORMAL", "duration": "DAY", "orderType": "LIMIT", "price": 1.0,
               "orderStrategyType": "TRIGGER", "orderLegCollection": leg("BUY"),
               "childOrderStrategies": [{"orderStrategyType": "OCO", "childOrderStrategies": [
                   {"session": "NORMAL", "duration": "GOOD_TILL_CANCEL", "orderType": "LIMIT", "price": 500.0,
                    "orderStrategyType": "SINGLE", "orderLegCollection": leg("SELL")},
                   {"session": "NORMAL", "duration": "GOOD_TILL_CANCEL", "orderType": "STOP", "stopPrice": 0.5,
                    "orderStrategyType": "SINGLE", "orderLegCollection": leg("SELL")}]}]}
    status, headers, body = sandbox.request("POST", f"/trader/v1/accounts/{hashes[1]}/orders", token, bracket)
    assert status == 201, body
    _, order = get(world, headers["Location"][headers["Location"].index("/trader/"):])
    check(order, response_schema(TRADER, "/accounts/{accountNumber}/orders/{orderId}"), TRADER_COMPONENTS)
    assert order["status"] == "WORKING"
    oco = order["childOrderStrategies"][0]
    assert oco["orderStrategyType"] == "OCO"
    assert [child["status"] for child in oco["childOrderStrategies"]] == ["AWAITING_PARENT_ORDER"] * 2


def test_quotes_move_when_the_clock_moves():
    sandbox = Sandbox("--seed", "7")
    try:
        token = sandbox.access_token()
        _, _, before = sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL&fields=quote", token)
        sandbox.admin("POST", "/admin/clock", {"advanceSeconds": 1200})  # within the token's 30 minutes
        _, _, after = sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL&fields=quote", token)
        assert before["AAPL"]["quote"]["lastPrice"] != after["AAPL"]["quote"]["lastPrice"]
        assert after["AAPL"]["quote"]["quoteTime"] - before["AAPL"]["quote"]["quoteTime"] >= 1200 * 1000
    finally:
        sandbox.stop()
