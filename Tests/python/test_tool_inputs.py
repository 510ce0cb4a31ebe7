"""Issue 12, part 1: every input form the original server accepted, through the real MCP client.

The original (sudowealth's schwab-mcp on `@sudowealth/schwab-api`) took some parameters in more
than one form: `symbols` as an array or a string, a single market or transaction type instead of
a list, digits for ids and price-history periods, `sort` as `up`/`down`, dates as `YYYY-MM-DD` for
epoch-millisecond parameters, Trader times with any zone (or `""` for the default), and orders in
the full shape of Schwab's Order (with its read-back members such as `status` and `orderId`).

One stack (`schwab-mcp up --auth oauth` with the sandbox, trading on) and one signed-in client for
the module. The table gives, for each tool, a call in our own form and the same call in each
other accepted form; both must succeed with the same answer (Schwab is asked the same thing), and
the other form must be valid against the input schema the tool advertises. A second table checks
that what is still refused is refused naming the parameter, what was expected and what was sent,
and is invalid against the advertised schema too.
"""

import calendar
import time

import jsonschema
import pytest

from product_support import TRADER, ProductStack, signed_in, text_of

DAY = 86_400


@pytest.fixture(scope="module")
def stack():
    stack = ProductStack(vars={"ENABLE_TRADING": "true"}).start()
    try:
        yield stack
    finally:
        stack.cleanup()


@pytest.fixture
def anyio_backend():
    return "asyncio"


def utc_day(days_from_today):
    """`YYYY-MM-DD` and its UTC midnight in epoch milliseconds."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + days_from_today * DAY))
    return day, calendar.timegm(time.strptime(day, "%Y-%m-%d")) * 1000


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ms / 1000))


def minimal_order(display):
    return {"accountNumber": display, "orderStrategyType": "SINGLE", "session": "NORMAL", "duration": "DAY",
            "orderType": "LIMIT", "price": 50.0, "orderLegCollection": [
                {"instruction": "BUY", "quantity": 2, "instrument": {"symbol": "MSFT", "assetType": "EQUITY"}}]}


def original_order(display):
    """The same order in the shape the original's zod schema demanded: every member of Schwab's
    Order, those it sets itself (id, status, times, fills) included."""
    order = minimal_order(display)
    order.update({
        "complexOrderStrategyType": "NONE", "quantity": 2, "filledQuantity": 0, "remainingQuantity": 2,
        "destinationLinkName": "AutoRoute", "taxLotMethod": "FIFO", "orderId": 1, "cancelable": True,
        "editable": True, "status": "FILLED", "enteredTime": "2024-03-29T14:30:00.000Z",
        "closeTime": "2024-03-29T14:30:00.000Z", "statusDescription": "", "orderActivityCollection": [],
        "replacingOrderCollection": [],
    })
    order["orderLegCollection"] = [{
        "orderLegType": "EQUITY", "legId": 1, "instruction": "BUY", "positionEffect": "OPENING", "quantity": 2,
        "quantityType": "SHARES", "toSymbol": "",
        "instrument": {"assetType": "EQUITY", "symbol": "MSFT", "cusip": "594918104",
                       "description": "MICROSOFT CORP"}}]
    return order


def same_answers(tool, ours, theirs):
    """Two answers to the same question: equal, once what the server stamps on each call is set aside."""
    if tool == "previewOrder":
        ours, theirs = ours["summary"], theirs["summary"]
    assert ours == theirs, f"{tool}: the other form got another answer"


def table(context):
    """(tool, our form, [other forms]) for every tool with more than one accepted form."""
    display, digits, hash_value = context["display"], context["digits"], context["hash"]
    start_day, start_ms = utc_day(-20)
    end_day, end_ms = utc_day(-2)
    chain_from, _ = utc_day(7)
    chain_to, _ = utc_day(60)
    order_id, transaction_id = context["order_id"], context["transaction_id"]
    window = {"fromEnteredTime": iso(start_ms), "toEnteredTime": iso(end_ms + DAY * 3000)}
    return [
        ("getQuotes", {"symbols": ["AAPL", "MSFT"]}, [{"symbols": "AAPL,MSFT"}, {"symbols": " AAPL , MSFT "}]),
        ("getQuotes", {"symbols": ["AAPL"]}, [{"symbols": "AAPL"}, {"symbols": ["AAPL"], "fields": ["all"]}]),
        ("getQuotes", {"symbols": ["AAPL"], "fields": ["quote", "reference"]},
         [{"symbols": "AAPL", "fields": "quote,reference"}]),
        ("getQuoteBySymbolId", {"symbol_id": "AAPL", "fields": ["quote"]}, [{"symbol_id": "AAPL", "fields": "quote"}]),
        ("getMarketHours", {"markets": ["equity", "option"]}, [{"markets": "equity,option"}]),
        ("getMarketHours", {"markets": ["equity"]}, [{"markets": "equity"}]),
        ("getMovers", {"symbol_id": "$SPX", "sort": "PERCENT_CHANGE_UP"}, [{"symbol_id": "$SPX", "sort": "up"}]),
        ("getMovers", {"symbol_id": "$DJI", "sort": "PERCENT_CHANGE_DOWN"}, [{"symbol_id": "$DJI", "sort": "down"}]),
        ("getPriceHistory", {"symbol": "AAPL", "periodType": "month", "period": 1, "frequencyType": "daily",
                             "frequency": 1},
         [{"symbol": "AAPL", "periodType": "month", "period": "1", "frequencyType": "daily", "frequency": "1"}]),
        ("getPriceHistory", {"symbol": "AAPL", "frequencyType": "minute", "frequency": 30, "startDate": start_ms,
                             "endDate": end_ms},
         [{"symbol": "AAPL", "frequencyType": "minute", "frequency": 30, "startDate": start_day,
           "endDate": end_day},
          {"symbol": "AAPL", "frequencyType": "minute", "frequency": 30, "startDate": start_day + "T00:00:00Z",
           "endDate": iso(end_ms).replace("T00:00:00.000Z", "T00:00:00+00:00")}]),
        ("getOptionChain", {"symbol": "SPY", "fromDate": chain_from, "toDate": chain_to, "strikeCount": 2},
         [{"symbol": "SPY", "fromDate": chain_from + "T00:00:00Z", "toDate": chain_to + "T16:00:00-05:00",
           "strikeCount": 2}]),
        ("getOrders", window,
         [{"fromEnteredTime": start_ms, "toEnteredTime": end_ms + DAY * 3000},
          {"fromEnteredTime": start_day, "toEnteredTime": iso(end_ms + DAY * 3000)},
          {"fromEnteredTime": time.strftime("%Y-%m-%dT%H:%M:%S-05:00", time.gmtime(start_ms / 1000 - 5 * 3600)),
           "toEnteredTime": iso(end_ms + DAY * 3000)}]),
        ("getOrdersByAccountNumber", {"accountNumber": display, "maxResults": 50},
         [{"accountNumber": display, "maxResults": 50, "fromEnteredTime": "", "toEnteredTime": ""}]),
        ("getOrder", {"accountNumber": display, "orderId": order_id},
         [{"accountNumber": display, "orderId": str(order_id)}, {"accountNumber": hash_value, "orderId": order_id},
          {"accountNumber": digits, "orderId": order_id}]),
        ("getTransactions", {"accountNumber": display, "types": ["TRADE"]},
         [{"accountNumber": display, "types": "TRADE"}]),
        ("getTransactions", {"accountNumber": display, "types": ["TRADE", "DIVIDEND_OR_INTEREST"],
                             "startDate": iso(start_ms - 40 * DAY * 1000)},
         [{"accountNumber": display, "types": "TRADE, DIVIDEND_OR_INTEREST",
           "startDate": start_ms - 40 * DAY * 1000}]),
        ("getTransaction", {"accountNumber": display, "transactionId": transaction_id},
         [{"accountNumber": display, "transactionId": str(transaction_id)}]),
        ("getAccount", {"accountNumber": display}, [{"accountNumber": hash_value}]),
        ("previewOrder", minimal_order(display), [original_order(display)]),
        ("previewOrder", {"accountNumber": display, "action": "cancel", "orderId": context["open_order_id"]},
         [{"accountNumber": display, "action": "cancel", "orderId": str(context["open_order_id"])}]),
    ]


REFUSED = [
    ("getQuotes", {"symbols": 5}, "symbols", "or a comma-separated string", "5"),
    ("getQuotes", {"symbols": " , "}, "symbols", "or a comma-separated string", '" , "'),
    ("getMarketHours", {"markets": "equity,stocks"}, "markets[1]", '"forex"', '"stocks"'),
    ("getMovers", {"symbol_id": "$SPX", "sort": "sideways"}, "sort", 'or one of "up", "down"', '"sideways"'),
    ("getOrder", {"accountNumber": "x", "orderId": "12a"}, "orderId", "or its decimal text", '"12a"'),
    ("getPriceHistory", {"symbol": "AAPL", "startDate": "yesterday"}, "startDate", "or a date or ISO-8601 time",
     '"yesterday"'),
    ("getOrders", {"fromEnteredTime": "last week"}, "fromEnteredTime", "or milliseconds since the epoch",
     '"last week"'),
    ("getTransactions", {"types": "TRADE,GIFT"}, "types[1]", '"TRADE"', '"GIFT"'),
    ("getOptionChain", {"symbol": "SPY", "fromDate": "June"}, "fromDate", "or an ISO-8601 time", '"June"'),
    ("placeOrder", {"status": "BOGUS"}, "status", '"FILLED"', '"BOGUS"'),
]


async def _context(stack, session):
    (number, (display, hash_value)), = [(n, v) for n, v in stack.displays("alex").items()
                                        if v[0].startswith("Individual")]
    listed = await session.ok("getOrdersByAccountNumber", {"accountNumber": display, "maxResults": 50})
    assert listed["orders"], "the demo user has orders: the getOrder rows mean nothing"
    end = int(time.time() * 1000)
    transactions = stack.schwab_get(f"{TRADER}/accounts/{hash_value}/transactions",
                                    {"startDate": iso(end - 300 * DAY * 1000), "endDate": iso(end),
                                     "types": "TRADE"})
    assert transactions, "the demo user has transactions: the getTransaction rows mean nothing"
    # An open order of our own to preview a cancel of (and cancel at the end).
    open_order = stack.schwab_get(f"{TRADER}/accounts/{hash_value}/orders", {
        "fromEnteredTime": iso(end - 50 * DAY * 1000), "toEnteredTime": iso(end + DAY * 1000)})
    working = [o for o in open_order if o.get("status") in ("WORKING", "QUEUED", "PENDING_ACTIVATION")]
    return {"display": display, "hash": hash_value, "digits": number[-4:], "order_id": listed["orders"][0]["orderId"],
            "transaction_id": transactions[0]["activityId"],
            "open_order_id": (working or listed["orders"])[0]["orderId"]}


@pytest.mark.anyio
async def test_every_form_the_original_accepted_gives_the_same_answer(stack):
    async with signed_in(stack, scope="read trade") as session:
        schemas = {t.name: t.input_schema for t in (await session.client.list_tools()).tools}
        context = await _context(stack, session)
        rows = table(context)
        assert {tool for tool, _, _ in rows} >= {
            "getQuotes", "getQuoteBySymbolId", "getMarketHours", "getMovers", "getPriceHistory", "getOptionChain",
            "getOrders", "getOrdersByAccountNumber", "getOrder", "getTransactions", "getTransaction", "previewOrder"}
        for tool, ours, others in rows:
            jsonschema.validate(ours, schemas[tool])
            expected = await session.ok(tool, ours)
            for other in others:
                try:
                    jsonschema.validate(other, schemas[tool])
                except jsonschema.ValidationError as error:
                    pytest.fail(f"{tool}({other}) is accepted but its advertised schema refuses it: {error.message}")
                got = await session.ok(tool, other)
                same_answers(tool, expected, got)
        # The answers are about something: both symbols quoted, both markets' hours, the chain's window.
        both = await session.ok("getQuotes", {"symbols": "AAPL,MSFT"})
        assert {"AAPL", "MSFT"} <= set(both), both.keys()
        hours = await session.ok("getMarketHours", {"markets": "equity,option"})
        assert {"equity", "option"} <= set(hours), hours.keys()
        preview = await session.ok("previewOrder", original_order(context["display"]))
        assert "BUY 2 MSFT" in preview["summary"]["text"], preview["summary"]["text"]
        assert "FILLED" not in preview["summary"]["text"]


@pytest.mark.anyio
async def test_an_order_in_the_originals_full_shape_is_placed_without_its_read_back_members(stack):
    """The members Schwab sets (id, status, times, fills) are accepted and never sent."""
    from mcp import types

    async def accept(context, params):
        return types.ElicitResult(action="accept", content={"confirm": True})

    async with signed_in(stack, scope="read trade", elicitation_callback=accept) as session:
        (display, hash_value), = [v for v in stack.displays("alex").values() if v[0].startswith("Individual")]
        placed = await session.ok("placeOrder", original_order(display))
        at_sandbox = stack.schwab_get(f"{TRADER}/accounts/{hash_value}/orders/{placed['orderId']}")
        assert at_sandbox["orderId"] == int(placed["orderId"]) != 1
        assert at_sandbox["status"] != "FILLED" or at_sandbox.get("filledQuantity") == 2
        assert at_sandbox["enteredTime"][:10] != "2024-03-29"
        leg, = at_sandbox["orderLegCollection"]
        assert (at_sandbox["price"], leg["instruction"], leg["quantity"], leg["instrument"]["symbol"]) == (
            50.0, "BUY", 2, "MSFT")
        cancelled = await session.ok("cancelOrder", {"accountNumber": display, "orderId": placed["orderId"]})
        assert cancelled["status"] == "cancelled", cancelled


@pytest.mark.anyio
@pytest.mark.parametrize("tool,arguments,parameter,expected,received", REFUSED)
async def test_what_is_still_refused_names_the_parameter_the_forms_and_what_was_sent(
        stack, tool, arguments, parameter, expected, received):
    async with signed_in(stack, scope="read trade") as session:
        schemas = {t.name: t.input_schema for t in (await session.client.list_tools()).tools}
        if tool == "placeOrder":
            (display, _), = [v for v in stack.displays("alex").values() if v[0].startswith("Individual")]
            arguments = {**minimal_order(display), **arguments}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(arguments, schemas[tool])
        result = await session.call(tool, arguments)
        text = text_of(result)
        assert result.is_error, text
        assert f"{parameter}: expected" in text and expected in text and f"received {received}" in text, text
