"""schwab-py, an independent Schwab client from PyPI, reads everything the sandbox serves.

Every read of schwab-py's client (accounts, preferences, transactions, quotes, chains, every price
history helper, movers, hours, instruments) is checked on the answer's content and, where Schwab's
OpenAPI spec describes the body, against that spec. Orders are test_sandbox_schwab_py_orders.py;
how schwab-py signs in and reaches the sandbox is schwab_py_support.py.
"""

import datetime
import time

import pytest
from schwab.client import Client

from schwab_py_support import MARKET_COMPONENTS, TRADER, TRADER_COMPONENTS, UTC, check, market, ok, response_schema
from schwab_py_support import sandbox_world, trader


@pytest.fixture(scope="module")
def world():
    yield from sandbox_world()


# Accounts, preferences, transactions


def test_account_numbers_accounts_and_positions(world):
    _, client, numbers = world
    trader(numbers, "/accounts/accountNumbers")
    assert len(numbers) == 3 and all(len(n["hashValue"]) == 64 for n in numbers)
    plain = ok(client.get_accounts())
    trader(plain, "/accounts")
    assert [a["securitiesAccount"]["accountNumber"] for a in plain] == [n["accountNumber"] for n in numbers]
    assert all("positions" not in a["securitiesAccount"] for a in plain)
    held = ok(client.get_accounts(fields=[Client.Account.Fields.POSITIONS]))
    trader(held, "/accounts")
    assert all(a["securitiesAccount"]["positions"] for a in held[:1])
    for number in numbers:
        one = ok(client.get_account(number["hashValue"], fields=Client.Account.Fields.POSITIONS))
        trader(one, "/accounts/{accountNumber}")
        assert one["securitiesAccount"]["accountNumber"] == number["accountNumber"]
        assert "positions" in one["securitiesAccount"]
    assert "positions" not in ok(client.get_account(numbers[0]["hashValue"]))["securitiesAccount"]


def test_user_preferences_name_the_same_accounts(world):
    _, client, numbers = world
    body = ok(client.get_user_preferences())
    # Real payloads are one object, not the spec's array (schwab-api.md §3).
    check(body, response_schema(TRADER, "/userPreference")["items"], TRADER_COMPONENTS)
    assert {a["accountNumber"] for a in body["accounts"]} == {n["accountNumber"] for n in numbers}
    assert body["streamerInfo"][0]["schwabClientCorrelId"]


def test_transactions_with_every_filter_and_by_id(world):
    _, client, numbers = world
    account = numbers[0]["hashValue"]
    every = ok(client.get_transactions(account))  # the last 60 days, every type, as schwab-py defaults
    trader(every, "/accounts/{accountNumber}/transactions")
    year = ok(client.get_transactions(
        account, start_date=datetime.date.today() - datetime.timedelta(days=300),
        end_date=datetime.datetime.now(UTC)))
    assert len(year) >= len(every) and year
    trades = ok(client.get_transactions(
        account, start_date=datetime.datetime.now(UTC) - datetime.timedelta(days=300),
        end_date=datetime.date.today() + datetime.timedelta(days=1),
        transaction_types=[Client.Transactions.TransactionType.TRADE]))
    assert trades and {t["type"] for t in trades} == {"TRADE"}
    symbol = next(i["instrument"]["symbol"] for i in trades[0]["transferItems"] if i["instrument"]["assetType"] != "CURRENCY")
    for_symbol = ok(client.get_transactions(
        account, start_date=datetime.date.today() - datetime.timedelta(days=300), symbol=symbol,
        transaction_types=Client.Transactions.TransactionType.TRADE))
    assert for_symbol and all(any(i["instrument"]["symbol"] == symbol for i in t["transferItems"]) for t in for_symbol)
    one = ok(client.get_transaction(account, year[0]["activityId"]))
    check(one, response_schema(TRADER, "/accounts/{accountNumber}/transactions/{transactionId}")["items"],
          TRADER_COMPONENTS)
    assert one["activityId"] == year[0]["activityId"] and one["netAmount"] == year[0]["netAmount"]


# Quotes, chains, history, movers, hours, instruments


def test_quotes_and_quote(world):
    _, client, _ = world
    body = ok(client.get_quotes(["AAPL", "MSFT", "$SPX", "NOPE"]))
    market(body, "/quotes")
    assert body["AAPL"]["assetMainType"] == "EQUITY" and body["AAPL"]["reference"]["cusip"] == "037833100"
    assert body["$SPX"]["assetMainType"] == "INDEX" and body["errors"]["invalidSymbols"] == ["NOPE"]
    fields = ok(client.get_quotes("SPY", fields=[Client.Quote.Fields.QUOTE, Client.Quote.Fields.REFERENCE],
                                  indicative=True))
    market(fields, "/quotes")
    assert set(fields["SPY"]) >= {"quote", "reference"} and "fundamental" not in fields["SPY"] and "$SPY.IV" in fields
    single = ok(client.get_quote("AAPL", fields=Client.Quote.Fields.QUOTE))
    market(single, "/{symbol_id}/quotes")
    assert list(single) == ["AAPL"] and single["AAPL"]["quote"]["lastPrice"] > 0
    assert ok(client.get_quote("$SPX"))["$SPX"]["assetMainType"] == "INDEX"


Opt = Client.Options


@pytest.mark.parametrize("params", [
    {},
    {"contract_type": Opt.ContractType.CALL, "strike_count": 4, "include_underlying_quote": True,
     "strategy": Opt.Strategy.SINGLE, "strike_range": Opt.StrikeRange.NEAR_THE_MONEY,
     "from_date": datetime.date.today(), "to_date": datetime.date.today() + datetime.timedelta(days=90),
     "exp_month": Opt.ExpirationMonth.ALL, "option_type": Opt.Type.ALL, "entitlement": Opt.Entitlement.NON_PRO},
    {"contract_type": Opt.ContractType.PUT, "strike_range": Opt.StrikeRange.OUT_OF_THE_MONEY, "strike_count": 6},
    {"strategy": Opt.Strategy.ANALYTICAL, "volatility": 25, "underlying_price": 520.5, "interest_rate": 4.5,
     "days_to_expiration": 30},
    {"strategy": Opt.Strategy.VERTICAL, "interval": 5.0},
    {"option_type": Opt.Type.STANDARD, "entitlement": Opt.Entitlement.PAYING_PRO},
] + [{"strategy": s} for s in Opt.Strategy] + [{"strike_range": r} for r in Opt.StrikeRange]
  + [{"exp_month": Opt.ExpirationMonth.DECEMBER}, {"entitlement": Opt.Entitlement.NON_PAYING_PRO}],
    ids=lambda p: ",".join(f"{k}={getattr(v, 'value', v)}" for k, v in p.items()) or "defaults")
def test_option_chains_with_schwab_py_parameters(world, params):
    _, client, _ = world
    body = ok(client.get_option_chain("SPY", **params))
    market(body, "/chains")
    assert body["symbol"] == "SPY" and body["status"] == "SUCCESS"
    assert body["callExpDateMap"] or body["putExpDateMap"]
    assert body["strategy"] == getattr(params.get("strategy"), "value", "SINGLE")
    if params.get("contract_type") == Opt.ContractType.CALL:
        assert not body["putExpDateMap"] and body["underlying"]["symbol"] == "SPY"
    if params.get("contract_type") == Opt.ContractType.PUT:
        contracts = [c for strikes in body["putExpDateMap"].values() for cs in strikes.values() for c in cs]
        assert all(c["putCall"] == "PUT" and c["strikePrice"] < body["underlyingPrice"] for c in contracts)
    if "to_date" in params:
        for key in body["callExpDateMap"]:
            assert datetime.date.fromisoformat(key.split(":")[0]) <= params["to_date"]
    if params.get("exp_month") == Opt.ExpirationMonth.DECEMBER:
        assert all(key[5:7] == "12" for key in {**body["callExpDateMap"], **body["putExpDateMap"]})


def test_a_chain_at_one_strike_and_the_expiration_chain(world):
    _, client, _ = world
    strikes = ok(client.get_option_chain("AAPL", strike_count=2))["callExpDateMap"]
    strike = float(next(iter(next(iter(strikes.values())))))
    body = ok(client.get_option_chain("AAPL", strike=strike))
    assert {float(s) for e in body["callExpDateMap"].values() for s in e} == {strike}
    expirations = ok(client.get_option_expiration_chain("AAPL"))
    market(expirations, "/expirationchain")
    dates = [e["expirationDate"] for e in expirations["expirationList"]]
    assert dates and dates == sorted(dates)


def candle_times(body):
    return [c["datetime"] / 1000 for c in body["candles"]]


@pytest.mark.parametrize("helper,days", [
    ("minute", 48), ("five_minutes", 270), ("ten_minutes", 270), ("fifteen_minutes", 270),
    ("thirty_minutes", 270), ("day", 20 * 365.25), ("week", 20 * 365.25)])
def test_every_price_history_helper(world, helper, days):
    """The helpers ask for 1971-01-01 to a week ahead; Schwab (and the sandbox) answer with the
    candles kept for the size: about 48 days of minutes, nine months of 5-30 minutes, 20 years
    of days and weeks."""
    _, client, _ = world
    fetch = getattr(client, "get_price_history_every_" + helper)
    body = ok(fetch("AAPL"))
    assert body["symbol"] == "AAPL" and body["empty"] is False
    times = candle_times(body)
    now = time.time()
    assert now - days * 86_400 - 86_400 <= times[0] <= now - days * 86_400 + 5 * 86_400
    assert times[-1] <= now and times == sorted(times)
    if helper in ("minute", "week"):
        market(body, "/pricehistory")
    recent = ok(fetch("MSFT", start_datetime=datetime.datetime.now(UTC) - datetime.timedelta(days=20),
                      end_datetime=datetime.datetime.now(UTC), need_extended_hours_data=True,
                      need_previous_close=True))
    market(recent, "/pricehistory")
    assert recent["candles"] and recent["previousClose"] > 0
    assert candle_times(recent)[0] >= now - 21 * 86_400


def test_price_history_with_its_own_parameters(world):
    _, client, _ = world
    PH = Client.PriceHistory
    body = ok(client.get_price_history(
        "SPY", period_type=PH.PeriodType.MONTH, period=PH.Period.THREE_MONTHS, frequency_type=PH.FrequencyType.DAILY,
        frequency=PH.Frequency.DAILY, need_extended_hours_data=False, need_previous_close=True))
    market(body, "/pricehistory")
    assert 55 <= len(body["candles"]) <= 70 and body["previousCloseDateISO8601"]
    body = ok(client.get_price_history("QQQ", period_type=PH.PeriodType.YEAR_TO_DATE,
                                       frequency_type=PH.FrequencyType.WEEKLY))
    weeks = [datetime.datetime.fromtimestamp(t, UTC) for t in candle_times(body)]
    assert weeks[0].month == 1 and weeks[0].day <= 7 and {w.year for w in weeks} == {weeks[0].year}
    body = ok(client.get_price_history("MSFT", period_type=PH.PeriodType.YEAR, period=PH.Period.FIVE_YEARS,
                                       frequency_type=PH.FrequencyType.MONTHLY))
    assert 55 <= len(body["candles"]) <= 62


@pytest.mark.parametrize("index", list(Client.Movers.Index), ids=lambda i: i.value)
def test_movers_for_every_index(world, index):
    _, client, _ = world
    body = ok(client.get_movers(index, sort_order=Client.Movers.SortOrder.PERCENT_CHANGE_UP,
                                frequency=Client.Movers.Frequency.FIVE))
    market(body, "/movers/{symbol_id}")
    changes = [s["netPercentChange"] for s in body["screeners"]]
    assert changes == sorted(changes, reverse=True)


def test_movers_sorts_and_frequencies(world):
    _, client, _ = world
    for sort in Client.Movers.SortOrder:
        for frequency in Client.Movers.Frequency:
            body = ok(client.get_movers(Client.Movers.Index.SPX, sort_order=sort, frequency=frequency))
            assert body["screeners"], (sort, frequency)
    volumes = [s["volume"] for s in ok(client.get_movers(Client.Movers.Index.NASDAQ))["screeners"]]
    assert volumes == sorted(volumes, reverse=True)


def test_market_hours(world):
    _, client, _ = world
    Market = Client.MarketHours.Market
    body = ok(client.get_market_hours(list(Market), date=datetime.date.today() + datetime.timedelta(days=1)))
    market(body, "/markets")
    assert set(body) == {"equity", "option", "bond", "future", "forex"}
    today = ok(client.get_market_hours(Market.EQUITY))
    assert set(today) == {"equity"}


@pytest.mark.parametrize("projection,symbols,expected", [
    ("SYMBOL_SEARCH", ["AAPL", "MSFT"], {"AAPL": "037833100", "MSFT": "594918104"}),
    ("SYMBOL_REGEX", "SP.*", {"SPY": "78462F103"}),
    ("DESCRIPTION_SEARCH", "Apple", {"AAPL": "037833100"}),
    ("DESCRIPTION_REGEX", "Invesco.*", {"QQQ": "46090E103"}),
    ("SEARCH", "NVDA", {"NVDA": "67066G104"}),  # the spec leaves `search` undescribed
    ("FUNDAMENTAL", ["AAPL", "SPY"], {"AAPL": "037833100", "SPY": "78462F103"}),
])
def test_instrument_searches(world, projection, symbols, expected):
    _, client, _ = world
    body = ok(client.get_instruments(symbols, getattr(Client.Instrument.Projection, projection)))
    market(body, "/instruments")
    found = {i["symbol"]: i["cusip"] for i in body["instruments"]}
    assert found.items() >= expected.items(), found
    if projection == "FUNDAMENTAL":
        assert all(i["fundamental"]["symbol"] == i["symbol"] for i in body["instruments"])


@pytest.mark.parametrize("cusip,symbol", [
    ("037833100", "AAPL"), ("594918104", "MSFT"), ("78462F103", "SPY"), ("46090E103", "QQQ"), ("67066G104", "NVDA"),
    ("023135106", "AMZN"), ("02079K305", "GOOGL"), ("30303M102", "META"), ("88160R101", "TSLA"), ("46625H100", "JPM"),
])
def test_instrument_by_real_cusip(world, cusip, symbol):
    _, client, _ = world
    body = ok(client.get_instrument_by_cusip(cusip))
    market(body, "/instruments/{cusip_id}")
    assert (body["symbol"], body["cusip"]) == (symbol, cusip)


def test_an_unknown_cusip_is_a_404_error_response(world):
    _, client, _ = world
    response = client.get_instrument_by_cusip("000000000")
    assert response.status_code == 404
    check(response.json(), {"$ref": "#/components/schemas/ErrorResponse"}, MARKET_COMPONENTS)
