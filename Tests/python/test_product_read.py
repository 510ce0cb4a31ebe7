"""Issue 8, "What it must show", read side: every read tool through the whole stack.

One `schwab-mcp up --auth oauth` with the sandbox for the module (product_support.ProductStack,
trading off as shipped). The real Python `mcp` client signs in as demo user alex through the
router's OAuth (approval page and the sandbox's login walked headlessly) and calls every read tool
of Sources/SchwabTools/SeedToolNames.swift; each result is checked against what the sandbox itself
answers to a token the admin API minted for alex. Then the failures a session meets: Schwab's
access token expiring mid-session (refreshed, the call still works), 429 and 503 (survived with
back-off, bounded), and a dead refresh token, killed by the admin API or by moving the sandbox's
clock past Schwab's 7 days (the plain sign-in-again message, the grant revoked so the next request
is 401 and the client signs in again). Last, every tool result and every log line
of the run are searched for every demo account number and hash.
"""

import json
import os
import re

import pytest

from product_support import MARKET, REPO, TRADER, ProductStack, order_window, signed_in, text_of

RESULTS = []  # every tool result text of the module, for the scan


def seed_names(kind):
    """The names in SeedToolNames.<kind> (the Swift source is the one list)."""
    with open(os.path.join(REPO, "Sources", "SchwabTools", "SeedToolNames.swift")) as f:
        source = f.read()
    body = re.search(r"static let " + kind + r" = \[(.*?)\]", source, re.S).group(1)
    return re.findall(r'"(\w+)"', body)


@pytest.fixture(scope="module")
def stack():
    stack = ProductStack().start()
    try:
        yield stack
    finally:
        stack.cleanup()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def alex(stack):
    """Alex's accounts as the sandbox has them: number -> (display, hash)."""
    return stack.displays("alex")


def _window():
    return order_window()


def _without_account_fields(value):
    """A sandbox answer with the fields our scrubber replaces taken out, for comparison."""
    if isinstance(value, dict):
        return {k: _without_account_fields(v) for k, v in value.items()
                if k not in ("accountNumber", "hashValue", "accountDisplay")}
    if isinstance(value, list):
        return [_without_account_fields(v) for v in value]
    return value


@pytest.mark.anyio
async def test_every_read_tool_through_the_stack_matches_the_sandbox(stack, alex):
    read_only = seed_names("readOnly")
    assert len(read_only) == 20
    displays = {display for display, _ in alex.values()}
    (primary_number, (primary, primary_hash)), = [
        (n, v) for n, v in alex.items() if v[0].startswith("Individual")]
    called = set()
    async with signed_in(stack) as session:
        listed = {t.name for t in (await session.client.list_tools()).tools}
        # Trading off (the default): not one order tool is even listed.
        assert listed == set(read_only) | {"echo"}, listed
        assert not listed & set(seed_names("trading"))

        async def ok(tool, arguments=None):
            called.add(tool)
            return await session.ok(tool, arguments)

        status = await ok("status")
        assert status["extra"]["schwab"]["signedIn"] is True
        assert set(status["extra"]["schwab"]["accounts"]) == displays

        # Accounts: display names, never numbers; fields=positions honoured.
        names = await ok("getAccountNumbers")
        assert {a["accountDisplay"] for a in names["accounts"]} == displays
        sandbox_accounts = stack.schwab_get(TRADER + "/accounts", {"fields": "positions"})
        accounts = (await ok("getAccounts", {"fields": "positions"}))["accounts"]
        expected = {alex[a["securitiesAccount"]["accountNumber"]][0]: a["securitiesAccount"] for a in sandbox_accounts}
        assert {a["accountDisplay"] for a in accounts} == set(expected)
        for account in accounts:
            theirs = expected[account["accountDisplay"]]
            assert [p["instrument"]["symbol"] for p in account.get("positions", [])] == [
                p["instrument"]["symbol"] for p in theirs.get("positions", [])]
            assert account["initialBalances"] == theirs["initialBalances"]
        assert any(a.get("positions") for a in accounts), "the demo user has positions: the check means nothing"
        bare = (await ok("getAccounts"))["accounts"]
        assert not any("positions" in a for a in bare), "getAccounts without fields must not list positions"

        theirs = stack.schwab_get(f"{TRADER}/accounts/{primary_hash}", {"fields": "positions"})["securitiesAccount"]
        mine = (await ok("getAccount", {"accountNumber": primary, "fields": "positions"}))
        mine = mine.get("securitiesAccount", mine)
        assert mine["accountDisplay"] == primary
        assert [p["instrument"]["symbol"] for p in mine["positions"]] == [
            p["instrument"]["symbol"] for p in theirs["positions"]] != []
        by_digits = await ok("getAccount", {"accountNumber": primary_number[-3:]})
        by_digits = by_digits.get("securitiesAccount", by_digits)
        assert by_digits["accountDisplay"] == primary and "positions" not in by_digits

        preference = await ok("getUserPreference")
        assert {a["accountDisplay"] for a in preference["accounts"]} == displays
        assert preference["streamerInfo"][0]["schwabClientCorrelId"] == stack.sandbox_users()["alex"][
            "schwabClientCorrelId"]

        # Orders: the same ids as the sandbox holds, each shown by account display name.
        sandbox_orders = stack.schwab_get(TRADER + "/orders", _window())
        assert sandbox_orders, "the demo user has orders: the check means nothing"
        orders = (await ok("getOrders", _window()))["orders"]
        assert sorted(o["orderId"] for o in orders) == sorted(o["orderId"] for o in sandbox_orders)
        assert {o["accountDisplay"] for o in orders} <= displays
        sandbox_mine = stack.schwab_get(f"{TRADER}/accounts/{primary_hash}/orders", _window())
        by_account = (await ok("getOrdersByAccountNumber", {"accountNumber": primary, **_window()}))["orders"]
        assert sorted(o["orderId"] for o in by_account) == sorted(o["orderId"] for o in sandbox_mine) != []
        filled = await ok("getOrdersByAccountNumber", {"accountNumber": primary, "status": "FILLED", **_window()})
        assert {o["status"] for o in filled["orders"]} <= {"FILLED"}
        one = sandbox_mine[0]
        order = await ok("getOrder", {"accountNumber": primary, "orderId": one["orderId"]})
        assert _without_account_fields(order) == _without_account_fields(one)

        # Transactions, and getTransaction (broken in the seed) returns the one asked for.
        window = {"startDate": "2026-01-01T00:00:00.000Z", "endDate": "2026-12-31T00:00:00.000Z"}
        sandbox_tx = stack.schwab_get(f"{TRADER}/accounts/{primary_hash}/transactions", {**window, "types": "TRADE"})
        assert sandbox_tx, "the demo user has transactions: the check means nothing"
        tx = (await ok("getTransactions", {"accountNumber": primary, **window}))["transactions"]
        assert sorted(t["activityId"] for t in tx) == sorted(t["activityId"] for t in sandbox_tx)
        every = (await ok("getTransactions", window))["transactions"]
        assert {t["activityId"] for t in tx} <= {t["activityId"] for t in every}
        target = sandbox_tx[-1]
        single = await ok("getTransaction", {"accountNumber": primary, "transactionId": target["activityId"]})
        assert _without_account_fields(single) == _without_account_fields(target)

        # Quotes: the prices are the sandbox's (the previous close is fixed for the day).
        sandbox_quotes = stack.schwab_get(MARKET + "/quotes", {"symbols": "AAPL,MSFT"})
        quotes = await ok("getQuotes", {"symbols": ["AAPL", "MSFT"]})
        assert set(quotes) == {"AAPL", "MSFT"}
        for symbol in quotes:
            assert quotes[symbol]["quote"]["closePrice"] == sandbox_quotes[symbol]["quote"]["closePrice"]
            assert quotes[symbol]["reference"]["cusip"] == sandbox_quotes[symbol]["reference"]["cusip"]
        fundamental = await ok("getQuotes", {"symbols": ["AAPL"], "fields": ["fundamental"]})
        assert set(fundamental["AAPL"]) & {"quote", "fundamental"} == {"fundamental"}
        one_quote = await ok("getQuoteBySymbolId", {"symbol_id": "MSFT"})
        assert one_quote["MSFT"]["quote"]["closePrice"] == sandbox_quotes["MSFT"]["quote"]["closePrice"]

        # Instruments.
        sandbox_found = stack.schwab_get(MARKET + "/instruments", {"symbol": "AAPL", "projection": "symbol-search"})
        found = (await ok("searchInstruments", {"symbol": "AAPL", "projection": "symbol-search"}))["instruments"]
        assert found == sandbox_found["instruments"] != []
        cusip = found[0]["cusip"]
        by_cusip = await ok("getInstrumentByCusip", {"cusip_id": cusip})
        assert by_cusip["symbol"] == "AAPL" and by_cusip["cusip"] == cusip

        # Market hours and movers.
        sandbox_hours = stack.schwab_get(MARKET + "/markets", {"markets": "equity,option"})
        hours = await ok("getMarketHours", {"markets": ["equity", "option"]})
        assert hours == sandbox_hours
        assert await ok("getMarketHoursByMarketId", {"market_id": "equity"}) == \
            stack.schwab_get(MARKET + "/markets/equity")
        sandbox_movers = stack.schwab_get(MARKET + "/movers/$SPX", {"sort": "VOLUME"})
        movers = await ok("getMovers", {"symbol_id": "$SPX", "sort": "VOLUME"})
        assert [m["symbol"] for m in movers["screeners"]] == [m["symbol"] for m in sandbox_movers["screeners"]] != []

        # Option chain: every parameter forwarded (the seed dropped them).
        chain_params = {"symbol": "AAPL", "contractType": "CALL", "strikeCount": 4, "strategy": "SINGLE",
                        "range": "ALL", "includeUnderlyingQuote": True}
        sandbox_chain = stack.schwab_get(MARKET + "/chains", {**chain_params, "includeUnderlyingQuote": "true"})
        chain = await ok("getOptionChain", chain_params)
        assert chain["putExpDateMap"] == {} and chain["callExpDateMap"], "contractType=CALL was not forwarded"
        assert sorted(chain["callExpDateMap"]) == sorted(sandbox_chain["callExpDateMap"])
        for expiry, strikes in chain["callExpDateMap"].items():
            assert sorted(strikes) == sorted(sandbox_chain["callExpDateMap"][expiry])
            assert len(strikes) <= 4, "strikeCount was not forwarded"
        assert chain.get("underlying"), "includeUnderlyingQuote was not forwarded"
        puts = await ok("getOptionChain", {"symbol": "AAPL", "contractType": "PUT", "strikeCount": 2})
        assert puts["callExpDateMap"] == {} and puts["putExpDateMap"]
        expirations = await ok("getOptionExpirationChain", {"symbol": "AAPL"})
        assert expirations == stack.schwab_get(MARKET + "/expirationchain", {"symbol": "AAPL"})
        day = expirations["expirationList"][1]["expirationDate"]
        window = {"symbol": "AAPL", "contractType": "PUT", "fromDate": day, "toDate": day,
                  "strategy": "SINGLE"}
        one_expiry = await ok("getOptionChain", window)
        assert [k.split(":")[0] for k in one_expiry["putExpDateMap"]] == [day], "fromDate/toDate were not forwarded"
        theirs_one = stack.schwab_get(MARKET + "/chains", window)["putExpDateMap"]
        assert {k: sorted(v) for k, v in one_expiry["putExpDateMap"].items()} == {
            k: sorted(v) for k, v in theirs_one.items()}, "the chain differs from the sandbox's"

        # Price history: every parameter forwarded.
        history_params = {"symbol": "MSFT", "periodType": "month", "period": 1, "frequencyType": "daily",
                          "frequency": 1, "needPreviousClose": True}
        sandbox_history = stack.schwab_get(MARKET + "/pricehistory", {**history_params, "needPreviousClose": "true"})
        history = await ok("getPriceHistory", history_params)
        assert [c["datetime"] for c in history["candles"]] == [c["datetime"] for c in sandbox_history["candles"]]
        assert [c["close"] for c in history["candles"]] == [c["close"] for c in sandbox_history["candles"]]
        assert history.get("previousClose") == sandbox_history.get("previousClose") is not None
        days = sandbox_history["candles"]
        ranged_params = {"symbol": "MSFT", "periodType": "month", "frequencyType": "daily",
                         "startDate": days[3]["datetime"], "endDate": days[6]["datetime"]}
        ranged = await ok("getPriceHistory", ranged_params)
        assert [c["datetime"] for c in ranged["candles"]] == [c["datetime"] for c in days[3:7]], \
            "startDate/endDate were not forwarded"
        weekly = await ok("getPriceHistory", {"symbol": "MSFT", "periodType": "year", "period": 1,
                                              "frequencyType": "weekly"})
        assert len(weekly["candles"]) < len(
            stack.schwab_get(MARKET + "/pricehistory", {"symbol": "MSFT", "periodType": "year", "period": 1,
                                                        "frequencyType": "daily"})["candles"])
        RESULTS.extend(session.result_texts())
    assert called == set(read_only), f"not called: {set(read_only) - called}"


@pytest.mark.anyio
async def test_bad_input_is_a_tool_error_that_names_what_exists(stack, alex):
    async with signed_in(stack) as session:
        unknown = await session.call("getAccount", {"accountNumber": "Brokerage ...999"})
        assert unknown.is_error
        for display, _ in alex.values():
            assert display in text_of(unknown), text_of(unknown)
        wrong = await session.call("getQuotes", {"symbols": 5})
        assert wrong.is_error and "symbols" in text_of(wrong)
        # The session is not harmed: the next call works.
        assert (await session.ok("getAccountNumbers"))["accounts"]
        RESULTS.extend(session.result_texts())


@pytest.mark.anyio
async def test_a_401_mid_session_is_recovered_by_refresh(stack):
    alex_id = stack.sandbox_users()["alex"]["schwabClientCorrelId"]
    async with signed_in(stack) as session:
        await session.ok("getAccounts")
        _, before = stack.schwab_tokens(alex_id)
        mark = len(session.statuses)
        stack.admin("POST", "/admin/expire-tokens", {"keepRefreshTokens": True})
        accounts = await session.ok("getAccounts")
        assert accounts["accounts"]
        _, after = stack.schwab_tokens(alex_id)
        assert after["access_token"] != before["access_token"], "the host did not refresh Schwab's token"
        assert after["refresh_token"] and session.walks == 1, "a refresh must not send the user to sign in"
        assert not [s for s in session.statuses[mark:] if s[2] == 401], "our own token was never at stake"
        RESULTS.extend(session.result_texts())
    stack.remember_schwab_tokens()


def _schwab_call_lines(stack, path):
    lines = []
    for line in stack.log_text().splitlines():
        if '"msg":"schwab call"' in line and f'"path":"{path}"' in line:
            lines.append(json.loads(line))
    return lines


@pytest.mark.anyio
async def test_429_and_503_from_schwab_are_survived_with_back_off(stack):
    async with signed_in(stack) as session:
        await session.ok("getAccounts")
        for status in (429, 503):
            stack.faults({"pathPattern": TRADER + "/accounts", "method": "GET", "status": status, "count": 2})
            accounts = await session.ok("getAccounts")
            assert accounts["accounts"], status
            assert stack.active_faults() == [], f"the {status}s were not both met"
            assert any(line.get("attempts") == 3 and line.get("status") == 200
                       for line in _schwab_call_lines(stack, "/accounts")), f"no third attempt logged after {status}"
        # A Schwab that stays down: a bounded number of attempts, then a plain error naming the request id.
        stack.faults({"pathPattern": TRADER + "/accounts", "method": "GET", "status": 503, "count": 10})
        down = await session.call("getAccounts")
        assert down.is_error
        remaining = stack.active_faults()[0]["remaining"]
        assert remaining == 7, f"expected 3 attempts, the sandbox saw {10 - remaining}"
        assert "503" in text_of(down) or "unavailable" in text_of(down).lower() or "server" in text_of(
            down).lower(), text_of(down)
        stack.admin("DELETE", "/admin/faults")
        assert (await session.ok("getAccounts"))["accounts"]
        RESULTS.extend(session.result_texts())


@pytest.mark.anyio
async def test_a_dead_schwab_sign_in_says_sign_in_again_and_the_next_request_is_401(stack):
    async with signed_in(stack) as session:
        await session.ok("getAccountNumbers")
        token = session.storage.tokens.access_token
        # Every Schwab token dies, refresh tokens too (as after Schwab's 7 days).
        stack.admin("POST", "/admin/expire-tokens", {"keepRefreshTokens": False})
        dead = await session.call("getAccounts")
        assert dead.is_error
        message = text_of(dead)
        assert "sign in" in message.lower() and "again" in message.lower(), message
        assert "invalid_grant" not in message and "Traceback" not in message
        # The host revoked the grant: our token is refused now.
        assert stack.mcp_post(token).status_code == 401
        statuses_before = len(session.statuses)
        # The client's next request gets 401, it signs in again (a fresh Schwab sign-in) and carries on.
        accounts = await session.ok("getAccountNumbers")
        assert accounts["accounts"]
        assert (("POST", "/mcp", 401) in session.statuses[statuses_before:]), session.statuses[statuses_before:]
        assert session.walks == 2
        RESULTS.extend(session.result_texts())
    stack.remember_schwab_tokens()


@pytest.mark.anyio
async def test_eight_days_on_the_schwab_refresh_token_is_dead_and_the_user_signs_in_again(stack):
    async with signed_in(stack) as session:
        await session.ok("getAccounts")
        # Schwab's refresh tokens last 7 days: move the sandbox's clock past them.
        stack.admin("POST", "/admin/clock", {"advanceSeconds": 8 * 86400})
        dead = await session.call("getAccounts")
        assert dead.is_error and "sign in" in text_of(dead).lower(), text_of(dead)
        mark = len(session.statuses)
        assert (await session.ok("getAccounts"))["accounts"]
        assert ("POST", "/mcp", 401) in session.statuses[mark:] and session.walks == 2
        RESULTS.extend(session.result_texts())
    stack.remember_schwab_tokens()


def test_no_account_number_or_hash_in_any_tool_result_or_log_line(stack):
    assert len(RESULTS) >= 30, "the other tests did not run: the scan would prove nothing"
    stack.stop()
    lines = stack.log_text().splitlines()
    assert sum('"msg":"schwab call"' in line for line in lines) >= 30, "the stack logged no Schwab calls"
    found = []
    for number, text in enumerate(RESULTS):
        for value in stack.account_leaks(text):
            found.append(f"tool result {number}: {value[:4]}... in {text[:200]}")
    for number, line in enumerate(lines, 1):
        for value in stack.account_leaks(line):
            found.append(f"log line {number}: {value[:4]}... in {line[:300]}")
    assert not found, f"{len(found)} account number(s) or hash(es) leaked:\n" + "\n".join(found[:20])
