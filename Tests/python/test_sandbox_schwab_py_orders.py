"""schwab-py's order builders and order calls against the sandbox, as its users write them.

`schwab.orders.equities`, `schwab.orders.options` (with `OptionSymbol`), the composite builders
and the generic `OrderBuilder` go through place_order, replace_order, cancel_order and
preview_order; `Utils.extract_order_id` reads each new order's id from `Location`, and get_order
(validated against Schwab's Order schema) shows what was placed. Then the async client, and a
refresh of an expired token from a token file.
"""

import asyncio
import datetime
import json

import pytest
from schwab.auth import client_from_token_file
from schwab.client import Client
from schwab.orders import common, equities, options
from schwab.orders.generic import OrderBuilder
from schwab.utils import AccountHashMismatchException, UnsuccessfulOrderException, Utils

from schwab_py_support import TRADER_COMPONENTS, UTC, check, client_for, fetch, holdings, ids, legs, ok, place
from schwab_py_support import point_at, sandbox_world, sign_in, trader
from test_sandbox_support import CLIENT_ID, CLIENT_SECRET


@pytest.fixture(scope="module")
def world():
    yield from sandbox_world()


Status = Client.Order.Status


@pytest.fixture(scope="module")
def margin(world):
    """casey's first account (margin) and a stock it holds."""
    _, client, numbers = world
    account = numbers[0]["hashValue"]
    held = holdings(client, account)
    stock = next(symbol for symbol, quantity in held.items() if quantity >= 10 and len(symbol) <= 5)
    return account, stock


def test_a_limit_buy_is_placed_listed_replaced_and_canceled(world, margin):
    _, client, _ = world
    account, _ = margin
    order_id, order = place(client, account, equities.equity_buy_limit("AAPL", 3, "1.00"))
    assert (order["status"], order["orderType"], order["price"]) == ("WORKING", "LIMIT", 1.0)
    assert legs(order) == [("BUY", "AAPL", "EQUITY", 3)]
    assert order["orderLegCollection"][0]["instrument"]["cusip"] == "037833100"
    listed = ok(client.get_orders_for_account(account))
    trader(listed, "/accounts/{accountNumber}/orders")
    assert order_id in ids(listed)
    assert order_id in ids(ok(client.get_orders_for_all_linked_accounts(status=Status.WORKING)))
    assert len(ok(client.get_orders_for_account(account, max_results=1))) == 1
    now = datetime.datetime.now(UTC)
    earlier = ok(client.get_orders_for_account(
        account, from_entered_datetime=now - datetime.timedelta(days=30),
        to_entered_datetime=now - datetime.timedelta(hours=1)))
    assert order_id not in ids(earlier)

    response = client.replace_order(account, order_id, equities.equity_buy_limit("AAPL", 5, "1.50"))
    assert ok(response, 201) is None
    new_id = Utils(client, account).extract_order_id(response)
    assert new_id != order_id
    assert fetch(client, account, order_id)["status"] == "REPLACED"
    replacement = fetch(client, account, new_id)
    assert (replacement["status"], replacement["price"], legs(replacement)) == (
        "WORKING", 1.5, [("BUY", "AAPL", "EQUITY", 5)])

    assert ok(client.cancel_order(new_id, account)) is None
    assert fetch(client, account, new_id)["status"] == "CANCELED"
    assert new_id in ids(ok(client.get_orders_for_account(account, status=Status.CANCELED)))
    assert all(o["status"] == "CANCELED" for o in ok(client.get_orders_for_all_linked_accounts(status=Status.CANCELED)))
    refused = client.cancel_order(new_id, account)
    assert refused.status_code == 400
    check(refused.json(), {"$ref": "#/components/schemas/ServiceError"}, TRADER_COMPONENTS)


@pytest.mark.parametrize("opening,closing,quantity", [
    (equities.equity_buy_market, equities.equity_sell_market, 2),
    (equities.equity_sell_short_market, equities.equity_buy_to_cover_market, -1),
])
def test_market_orders_fill_and_move_the_position(world, margin, opening, closing, quantity):
    _, client, _ = world
    account, _ = margin
    symbol = "KO" if quantity > 0 else "F"
    before = holdings(client, account).get(symbol, 0)
    _, opened = place(client, account, opening(symbol, abs(quantity)))
    assert opened["status"] == "FILLED" and opened["filledQuantity"] == abs(quantity)
    assert opened["orderActivityCollection"][0]["executionLegs"][0]["price"] > 0
    assert holdings(client, account).get(symbol, 0) == before + quantity
    _, closed = place(client, account, closing(symbol, abs(quantity)))
    assert closed["status"] == "FILLED"
    assert holdings(client, account).get(symbol, 0) == before


def test_limit_orders_work_until_canceled(world, margin):
    _, client, _ = world
    account, stock = margin
    place(client, account, equities.equity_sell_short_market("F", 1))  # a short to cover
    for builder, symbol, instruction, price in [(equities.equity_sell_limit, stock, "SELL", "9999.00"),
                                                (equities.equity_sell_short_limit, stock, "SELL_SHORT", "9999.00"),
                                                (equities.equity_buy_to_cover_limit, "F", "BUY_TO_COVER", "0.50")]:
        order_id, order = place(client, account, builder(symbol, 1, price))
        assert order["status"] == "WORKING" and legs(order) == [(instruction, symbol, "EQUITY", 1)]
        assert ok(client.cancel_order(order_id, account)) is None
        assert fetch(client, account, order_id)["status"] == "CANCELED"
    assert place(client, account, equities.equity_buy_to_cover_market("F", 1))[1]["status"] == "FILLED"


def calls(client, symbol="SPY"):
    """Call contracts a week or more out, by strike: (OCC symbol, contract)."""
    chain = ok(client.get_option_chain(symbol, contract_type=Client.Options.ContractType.CALL, strike_count=6))
    for strikes in chain["callExpDateMap"].values():
        contracts = [cs[0] for cs in strikes.values()]
        if contracts[0]["daysToExpiration"] >= 7:
            return [(c["symbol"], c) for c in contracts]
    raise AssertionError("no expiration a week out")


def test_option_symbols_round_trip_and_single_option_orders(world, margin):
    _, client, _ = world
    account, _ = margin
    (symbol, contract), (other, _) = calls(client)[:2]
    parsed = options.OptionSymbol.parse_symbol(symbol)
    assert parsed.build() == symbol
    expiry = datetime.date.fromisoformat(contract["expirationDate"][:10])
    assert options.OptionSymbol("SPY", expiry, "C", str(contract["strikePrice"])).build() == symbol
    before = holdings(client, account).get(symbol, 0)
    _, bought = place(client, account, options.option_buy_to_open_market(symbol, 1))
    assert bought["status"] == "FILLED" and legs(bought) == [("BUY_TO_OPEN", symbol, "OPTION", 1)]
    assert holdings(client, account)[symbol] == before + 1
    for builder, instruction, price in [(options.option_sell_to_close_limit, "SELL_TO_CLOSE", "999.00"),
                                        (options.option_buy_to_open_limit, "BUY_TO_OPEN", "0.01"),
                                        (options.option_sell_to_open_limit, "SELL_TO_OPEN", "999.00")]:
        order_id, order = place(client, account, builder(other if instruction == "SELL_TO_OPEN" else symbol, 1, price))
        assert order["status"] == "WORKING" and legs(order)[0][0] == instruction
        ok(client.cancel_order(order_id, account))
    assert place(client, account, options.option_sell_to_close_market(symbol, 1))[1]["status"] == "FILLED"
    assert place(client, account, options.option_sell_to_open_market(other, 1))[1]["status"] == "FILLED"
    order_id, order = place(client, account, options.option_buy_to_close_limit(other, 1, "0.01"))
    assert order["status"] == "WORKING"
    ok(client.cancel_order(order_id, account))
    assert place(client, account, options.option_buy_to_close_market(other, 1))[1]["status"] == "FILLED"
    assert holdings(client, account).get(symbol, 0) == before and other not in holdings(client, account)


def generous(builder, *args):
    """The builder's order at a net price that fills: 60.00 for a debit, 0.01 for a credit."""
    kind = builder(*args, "1.00").build()["orderType"]
    return builder(*args, "60.00" if kind == "NET_DEBIT" else "0.01")


@pytest.mark.parametrize("opening,closing,kind", [
    (options.bull_call_vertical_open, options.bull_call_vertical_close, "callExpDateMap"),
    (options.bear_call_vertical_open, options.bear_call_vertical_close, "callExpDateMap"),
    (options.bull_put_vertical_open, options.bull_put_vertical_close, "putExpDateMap"),
    (options.bear_put_vertical_open, options.bear_put_vertical_close, "putExpDateMap"),
], ids=lambda value: getattr(value, "__name__", value))
def test_vertical_spreads_open_and_close_as_one_order(world, margin, opening, closing, kind):
    _, client, _ = world
    account, _ = margin
    chain = ok(client.get_option_chain("SPY", strike_count=8))
    strikes = [cs[0] for e in chain[kind].values() for cs in e.values() if cs[0]["daysToExpiration"] >= 7]
    # Every builder's first leg is the lower strike of a sensible spread, its second the higher.
    low, high = strikes[2]["symbol"], strikes[3]["symbol"]
    before = holdings(client, account)
    _, opened = place(client, account, generous(opening, low, high, 1))
    assert (opened["status"], opened["complexOrderStrategyType"]) == ("FILLED", "VERTICAL")
    assert [(leg[1], leg[3]) for leg in legs(opened)] == [(low, 1), (high, 1)]
    _, closed = place(client, account, generous(closing, low, high, 1))
    assert closed["status"] == "FILLED" and {leg[0] for leg in legs(closed)} == {"BUY_TO_CLOSE", "SELL_TO_CLOSE"}
    after = holdings(client, account)
    assert [after.get(s, 0) for s in (low, high)] == [before.get(s, 0) for s in (low, high)]


def test_one_cancels_other_and_first_triggers_second(world, margin):
    _, client, _ = world
    account, stock = margin
    stop = (OrderBuilder().set_order_type(common.OrderType.STOP).set_stop_price("0.01")
            .set_session(common.Session.NORMAL).set_duration(common.Duration.GOOD_TILL_CANCEL)
            .set_order_strategy_type(common.OrderStrategyType.SINGLE)
            .add_equity_leg(common.EquityInstruction.SELL, stock, 1))
    order_id, oco = place(client, account, common.one_cancels_other(
        equities.equity_sell_limit(stock, 1, "9999.00"), stop))
    assert oco["orderStrategyType"] == "OCO"
    assert [c["status"] for c in oco["childOrderStrategies"]] == ["WORKING", "WORKING"]
    ok(client.cancel_order(order_id, account))
    assert {c["status"] for c in fetch(client, account, order_id)["childOrderStrategies"]} == {"CANCELED"}
    order_id, trigger = place(client, account, common.first_triggers_second(
        equities.equity_buy_limit("KO", 1, "1.00"), equities.equity_sell_limit("KO", 1, "999.00")))
    assert trigger["orderStrategyType"] == "TRIGGER" and trigger["status"] == "WORKING"
    assert trigger["childOrderStrategies"][0]["status"] == "AWAITING_PARENT_ORDER"
    ok(client.cancel_order(order_id, account))


def generic(order_type, instruction, symbol, duration=common.Duration.DAY, session=common.Session.NORMAL):
    return (OrderBuilder().set_order_type(order_type).set_session(session).set_duration(duration)
            .set_order_strategy_type(common.OrderStrategyType.SINGLE).add_equity_leg(instruction, symbol, 1))


def test_generic_builder_orders(world, margin):
    """Every field OrderBuilder sets that Schwab takes: stops, trailing stops, on-close orders,
    special instructions, destinations, durations and sessions."""
    _, client, _ = world
    account, stock = margin
    Buy, Sell, T = common.EquityInstruction.BUY, common.EquityInstruction.SELL, common.OrderType
    trailing = (generic(T.TRAILING_STOP, Sell, stock).set_stop_price_link_basis(common.StopPriceLinkBasis.LAST)
                .set_stop_price_link_type(common.StopPriceLinkType.PERCENT).set_stop_price_offset(5))
    cases = [
        (trailing, {"stopPriceLinkBasis": "LAST", "stopPriceLinkType": "PERCENT", "stopPriceOffset": 5}),
        (generic(T.STOP, Sell, stock, common.Duration.GOOD_TILL_CANCEL).set_stop_price("0.01"), {"stopPrice": 0.01}),
        (generic(T.STOP_LIMIT, Sell, stock).set_stop_price("0.02").set_price("0.01"), {"price": 0.01}),
        (generic(T.MARKET_ON_CLOSE, Buy, "KO"), {"orderType": "MARKET_ON_CLOSE"}),
        (generic(T.LIMIT_ON_CLOSE, Buy, "KO").set_price("1.00"), {"orderType": "LIMIT_ON_CLOSE", "price": 1.0}),
        (generic(T.LIMIT, Buy, "KO", session=common.Session.SEAMLESS).set_price("1.00")
         .set_special_instruction(common.SpecialInstruction.ALL_OR_NONE)
         .set_destination_link_name(common.Destination.AUTO), {"session": "SEAMLESS"}),
        (generic(T.LIMIT, Buy, "KO", common.Duration.GOOD_TILL_CANCEL).set_price("1.00"),
         {"duration": "GOOD_TILL_CANCEL"}),
    ]
    for builder, shown in cases:
        order_id, order = place(client, account, builder)
        assert order["status"] == "WORKING" and {k: order.get(k) for k in shown} == shown, order
        ok(client.cancel_order(order_id, account))
    for duration in (common.Duration.FILL_OR_KILL, common.Duration.IMMEDIATE_OR_CANCEL):
        _, order = place(client, account, generic(T.LIMIT, Buy, "KO", duration).set_price("1.00"))
        assert order["status"] == "CANCELED"  # nothing fills at $1, so it ends at once


def test_preview_order_answers_a_preview(world, margin):
    _, client, _ = world
    account, _ = margin
    for order in (equities.equity_buy_limit("AAPL", 2, "1.00"), equities.equity_buy_market("MSFT", 1).build()):
        body = ok(client.preview_order(account, order))
        trader(body, "/accounts/{accountNumber}/previewOrder", "post")
        strategy = body["orderStrategy"]
        assert strategy["status"] == "ACCEPTED" and body["orderValidationResult"]["accepts"]
        assert strategy["orderLegs"][0]["finalSymbol"] in ("AAPL", "MSFT")
    placed = ids(ok(client.get_orders_for_account(account)))
    body = ok(client.preview_order(account, equities.equity_sell_market("NVDA", 1_000_000)))
    assert body["orderStrategy"]["status"] == "REJECTED" and body["orderValidationResult"]["rejects"]
    assert ids(ok(client.get_orders_for_account(account))) == placed  # a preview places nothing


def test_extract_order_id_refuses_what_schwab_py_refuses(world, margin):
    _, client, numbers = world
    account, _ = margin
    refused = client.place_order(account, equities.equity_sell_market("NVDA", 1_000_000))
    assert refused.status_code == 400 and "NVDA" in refused.json()["message"]
    check(refused.json(), {"$ref": "#/components/schemas/ServiceError"}, TRADER_COMPONENTS)
    with pytest.raises(UnsuccessfulOrderException):
        Utils(client, account).extract_order_id(refused)
    placed = client.place_order(account, equities.equity_buy_limit("AAPL", 1, "1.00"))
    with pytest.raises(AccountHashMismatchException):
        Utils(client, numbers[1]["hashValue"]).extract_order_id(placed)
    ok(client.cancel_order(Utils(client, account).extract_order_id(placed), account))


def test_the_async_client(world):
    sandbox, _, numbers = world
    account = numbers[1]["hashValue"]

    async def session():
        client = client_for(sandbox, sign_in(sandbox, "casey"), asyncio=True)
        try:
            quotes = ok(await client.get_quotes(["AAPL", "SPY"]))
            assert quotes["SPY"]["reference"]["cusip"] == "78462F103"
            response = await client.place_order(account, equities.equity_buy_limit("KO", 1, "1.00"))
            order_id = Utils(client, account).extract_order_id(response)
            assert ok(await client.get_order(order_id, account))["status"] == "WORKING"
            assert (await client.cancel_order(order_id, account)).status_code == 200
            assert ok(await client.get_order(order_id, account))["status"] == "CANCELED"
        finally:
            await client.close_async_session()

    asyncio.run(session())


def test_an_expired_token_in_a_token_file_is_refreshed(world, tmp_path):
    sandbox, _, numbers = world
    stored = sign_in(sandbox, "casey")
    stored["token"]["expires_at"] = int(datetime.datetime.now(UTC).timestamp()) - 60
    path = tmp_path / "token.json"
    path.write_text(json.dumps(stored))
    client = point_at(client_from_token_file(str(path), CLIENT_ID, CLIENT_SECRET), sandbox)
    assert [n["hashValue"] for n in ok(client.get_account_numbers())] == [n["hashValue"] for n in numbers]
    written = json.loads(path.read_text())
    assert written["creation_timestamp"] == stored["creation_timestamp"]
    assert written["token"]["access_token"] != stored["token"]["access_token"]
    assert written["token"]["refresh_token"] and written["token"]["expires_at"] > stored["token"]["expires_at"]
