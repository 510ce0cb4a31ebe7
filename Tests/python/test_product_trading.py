"""Issue 8, "What it must show", trading side: safe trading through the whole stack.

One `schwab-mcp up --auth oauth` with the sandbox for the module, its wrangler.toml [vars] turning
trading on with limits (ENABLE_TRADING, MAX_ORDER_QUANTITY, MAX_ORDER_NOTIONAL,
ALLOWED_ASSET_TYPES) as an operator would, and the Schwab cache off (SCHWAB_CACHE, which the
read module's stack leaves on: both settings are exercised). The real Python `mcp` client signs in as alex with the
`read trade` scope (the router refuses order tools without `trade`), then:
- with its elicitation callback accepting, placeOrder places exactly the order the summary showed
  (read back at the sandbox); declining places nothing;
- without elicitation, previewOrder -> confirmationId -> placeOrder places exactly the previewed
  order, once; an altered order, a reused, unknown or expired id is refused and places nothing;
- the operator's limits refuse before anyone is asked;
- `schwab-mcp audit` (the CLI, against the stack's KV service) shows every step, without an
  account number;
and no account number or hash appears in any tool result, elicitation message or log line.
"""

import json
import os
import subprocess
import time

import pytest

from mcp import types

from product_support import TRADER, ProductStack, signed_in, text_of

LIMITS = {"ENABLE_TRADING": "true", "MAX_ORDER_QUANTITY": "10", "MAX_ORDER_NOTIONAL": "5000",
          "ALLOWED_ASSET_TYPES": "EQUITY", "SCHWAB_CACHE": "off"}
RESULTS = []  # every tool result and elicitation message of the module, for the scan
ORDER_TOOLS = {"previewOrder", "placeOrder", "replaceOrder", "cancelOrder"}


@pytest.fixture(scope="module")
def stack():
    stack = ProductStack(vars=LIMITS).start()
    try:
        yield stack
    finally:
        stack.cleanup()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def account(stack):
    """Alex's individual account: (display name, hash)."""
    (display, hash_value), = [v for v in stack.displays("alex").values() if v[0].startswith("Individual")]
    return display, hash_value


class Asker:
    """The client's elicitation callback: answers `answer`, records every question."""

    def __init__(self, action, confirm=True):
        self.action = action
        self.confirm = confirm
        self.asked = []

    async def __call__(self, context, params):
        self.asked.append(params.message)
        RESULTS.append(params.message)
        assert params.requested_schema["properties"]["confirm"]["type"] == "boolean"
        content = {"confirm": self.confirm} if self.action == "accept" else None
        return types.ElicitResult(action=self.action, content=content)


def order(display, quantity=3, price=100.0, symbol="MSFT", asset_type="EQUITY", instruction="BUY", **extra):
    return {"accountNumber": display, "orderStrategyType": "SINGLE", "session": "NORMAL", "duration": "DAY",
            "orderType": "LIMIT", "price": price, "orderLegCollection": [
                {"instruction": instruction, "quantity": quantity,
                 "instrument": {"symbol": symbol, "assetType": asset_type}}], **extra}


def new_orders(stack, before):
    """Orders at the sandbox that were not there in `before` (a list of order ids)."""
    return [o for o in stack.orders_at_sandbox() if o["orderId"] not in before]


def order_ids(stack):
    return {o["orderId"] for o in stack.orders_at_sandbox()}


@pytest.mark.anyio
async def test_trading_on_lists_order_tools_with_destructive_annotations(stack):
    async with signed_in(stack, scope="read trade") as session:
        tools = {t.name: t for t in (await session.client.list_tools()).tools}
    assert ORDER_TOOLS <= set(tools)
    for name in ORDER_TOOLS - {"previewOrder"}:
        assert tools[name].annotations.destructive_hint is True, name
        assert tools[name].annotations.read_only_hint is not True, name
    assert tools["getAccounts"].annotations.read_only_hint is True


@pytest.mark.anyio
async def test_the_cache_switch_in_vars_reaches_the_host(stack):
    async with signed_in(stack, scope="read trade") as session:
        await session.ok("getQuotes", {"symbols": ["AAPL"]})
        await session.ok("getQuotes", {"symbols": ["AAPL"]})
        cache = (await session.ok("status"))["extra"]["schwab"]["cache"]
    # [vars] SCHWAB_CACHE = "off" (set for this module): nothing is served from the cache.
    assert cache["enabled"] is False and cache["hits"] == 0, cache


@pytest.mark.anyio
async def test_elicitation_accept_places_exactly_the_summarised_order(stack, account):
    display, hash_value = account
    before = order_ids(stack)
    asker = Asker("accept")
    async with signed_in(stack, scope="read trade", elicitation_callback=asker) as session:
        placed = await session.ok("placeOrder", order(display, quantity=3, price=100.0))
        assert len(asker.asked) == 1
        question = asker.asked[0]
        for part in (display, "BUY 3 MSFT (EQUITY)", "LIMIT at $100.00", "DAY", "Estimated cost: $300.00"):
            assert part in question, (part, question)
        order_id = placed["orderId"]
        at_sandbox = stack.schwab_get(f"{TRADER}/accounts/{hash_value}/orders/{order_id}")
        assert (at_sandbox["orderType"], at_sandbox["price"], at_sandbox["duration"], at_sandbox["session"]) == (
            "LIMIT", 100.0, "DAY", "NORMAL")
        leg, = at_sandbox["orderLegCollection"]
        assert (leg["instruction"], leg["quantity"], leg["instrument"]["symbol"]) == ("BUY", 3, "MSFT")
        assert [o["orderId"] for o in new_orders(stack, before)] == [int(order_id)]

        # Cancelling is confirmed the same way and reaches the sandbox.
        await session.ok("cancelOrder", {"accountNumber": display, "orderId": str(order_id)})
        assert len(asker.asked) == 2 and f"Cancel order {order_id}" in asker.asked[-1], asker.asked
        status = stack.schwab_get(f"{TRADER}/accounts/{hash_value}/orders/{order_id}")["status"]
        assert status in ("CANCELED", "PENDING_CANCEL"), status
        RESULTS.extend(session.result_texts())


@pytest.mark.anyio
@pytest.mark.parametrize("action,confirm", [("decline", True), ("cancel", True), ("accept", False)])
async def test_elicitation_decline_places_nothing(stack, account, action, confirm):
    display, _ = account
    before = order_ids(stack)
    asker = Asker(action, confirm)
    async with signed_in(stack, scope="read trade", elicitation_callback=asker) as session:
        declined = await session.ok("placeOrder", order(display, quantity=2, price=50.0))
        assert declined["status"] == "declined"
        assert "Nothing was sent to Schwab" in text_of(session.results[-1][2])
        assert len(asker.asked) == 1
        RESULTS.extend(session.result_texts())
    assert new_orders(stack, before) == []


def _expire_confirmation(stack, confirmation_id):
    """Moves a stored confirmation's expiry into the past, as ten minutes passing would."""
    key, = [k for k in stack.kv_keys("confirm:") if k.endswith(":" + confirmation_id)]
    record = stack.kv_get_json(key)
    record["expiresAt"] = time.time() - 1
    stack.kv_put_json(key, record, ttl=600)


@pytest.mark.anyio
async def test_without_elicitation_preview_then_confirm_places_exactly_that_order_once(stack, account):
    display, hash_value = account
    before = order_ids(stack)
    async with signed_in(stack, scope="read trade") as session:
        wanted = order(display, quantity=4, price=90.0, symbol="AAPL")
        bare = await session.call("placeOrder", wanted)
        assert bare.is_error and "previewOrder" in text_of(bare), text_of(bare)

        preview = await session.ok("previewOrder", wanted)
        assert "BUY 4 AAPL" in preview["summary"]["text"] and display in preview["summary"]["text"]
        confirmation = preview["confirmationId"]

        for altered in (order(display, quantity=5, price=90.0, symbol="AAPL"),
                        order(display, quantity=4, price=91.0, symbol="AAPL"),
                        order(display, quantity=4, price=90.0, symbol="MSFT"),
                        order(display, quantity=4, price=90.0, symbol="AAPL", instruction="SELL")):
            refused = await session.call("placeOrder", {**altered, "confirmationId": confirmation})
            assert refused.is_error and "not the one previewed" in text_of(refused), text_of(refused)
        assert new_orders(stack, before) == []

        placed = await session.ok("placeOrder", {**wanted, "confirmationId": confirmation})
        at_sandbox = stack.schwab_get(f"{TRADER}/accounts/{hash_value}/orders/{placed['orderId']}")
        leg, = at_sandbox["orderLegCollection"]
        assert (at_sandbox["price"], leg["instruction"], leg["quantity"], leg["instrument"]["symbol"]) == (
            90.0, "BUY", 4, "AAPL")

        again = await session.call("placeOrder", {**wanted, "confirmationId": confirmation})
        assert again.is_error and "already used" in text_of(again), text_of(again)
        unknown = await session.call("placeOrder", {**wanted, "confirmationId": "0" * 32})
        assert unknown.is_error and "unknown or has expired" in text_of(unknown), text_of(unknown)

        late_preview = await session.ok("previewOrder", wanted)
        _expire_confirmation(stack, late_preview["confirmationId"])
        late = await session.call("placeOrder", {**wanted, "confirmationId": late_preview["confirmationId"]})
        assert late.is_error and "expired" in text_of(late), text_of(late)
        RESULTS.extend(session.result_texts())
    assert [o["orderId"] for o in new_orders(stack, before)] == [int(placed["orderId"])]


@pytest.mark.anyio
async def test_operator_limits_refuse_before_anyone_is_asked(stack, account):
    display, _ = account
    before = order_ids(stack)
    asker = Asker("accept")
    async with signed_in(stack, scope="read trade", elicitation_callback=asker) as session:
        too_many = await session.call("placeOrder", order(display, quantity=11, price=1.0))
        assert too_many.is_error and "MAX_ORDER_QUANTITY" in text_of(too_many), text_of(too_many)
        too_dear = await session.call("placeOrder", order(display, quantity=10, price=600.0))
        assert too_dear.is_error and "MAX_ORDER_NOTIONAL" in text_of(too_dear), text_of(too_dear)
        option = await session.call("previewOrder", order(
            display, quantity=1, price=1.0, symbol="SPY   270115C00550000", asset_type="OPTION",
            instruction="BUY_TO_OPEN"))
        assert option.is_error and "ALLOWED_ASSET_TYPES" in text_of(option), text_of(option)
        assert asker.asked == []
        RESULTS.extend(session.result_texts())
    assert new_orders(stack, before) == []


def test_the_audit_cli_shows_every_step_without_account_numbers(stack, account):
    display, _ = account
    socket = os.path.join(stack.socket_dir, "kv.sock")
    run = subprocess.run([stack.binary, "audit", "--socket", socket, "--json", "--limit", "1000"],
                         capture_output=True, cwd=stack.folder, timeout=30, text=True)
    assert run.returncode == 0, run.stderr
    entries = json.loads(run.stdout)
    RESULTS.append(run.stdout)
    steps = [(e["tool"], e["event"]) for e in entries]
    expected_in_order = [
        # accept, then cancel
        ("placeOrder", "confirmation_requested"), ("placeOrder", "confirmed"), ("placeOrder", "placed"),
        ("cancelOrder", "confirmation_requested"), ("cancelOrder", "confirmed"), ("cancelOrder", "cancelled"),
        # three declines
        ("placeOrder", "confirmation_requested"), ("placeOrder", "declined"),
        ("placeOrder", "confirmation_requested"), ("placeOrder", "declined"),
        ("placeOrder", "confirmation_requested"), ("placeOrder", "declined"),
        # preview and confirm
        ("previewOrder", "previewed"),
        ("placeOrder", "refused_confirmation"), ("placeOrder", "refused_confirmation"),
        ("placeOrder", "refused_confirmation"), ("placeOrder", "refused_confirmation"),
        ("placeOrder", "placed"),
        ("placeOrder", "refused_confirmation"), ("placeOrder", "refused_confirmation"),
        ("previewOrder", "previewed"), ("placeOrder", "refused_confirmation"),
        # limits
        ("placeOrder", "refused_by_limits"), ("placeOrder", "refused_by_limits"),
        ("previewOrder", "refused_by_limits"),
    ]
    remaining = iter(steps)
    for step in expected_in_order:
        assert any(step == seen for seen in remaining), f"{step} missing (in order) from the audit log: {steps}"
    assert all(e.get("account") in (None, display) for e in entries), entries
    assert not stack.account_leaks(run.stdout)
    text = subprocess.run([stack.binary, "audit", "--socket", socket], capture_output=True, cwd=stack.folder,
                          timeout=30, text=True)
    assert text.returncode == 0 and "placed" in text.stdout and display in text.stdout, text.stdout
    RESULTS.append(text.stdout)


def test_no_account_number_or_hash_in_any_tool_result_or_log_line(stack):
    assert len(RESULTS) >= 20, "the other tests did not run: the scan would prove nothing"
    stack.stop()
    lines = stack.log_text().splitlines()
    assert any('"msg":"schwab call"' in line and '"method":"POST"' in line for line in lines), \
        "no order was logged: the scan would prove nothing"
    found = [f"tool result {n}: {v[:4]}..." for n, text in enumerate(RESULTS) for v in stack.account_leaks(text)]
    found += [f"log line {n}: {v[:4]}... in {line[:300]}" for n, line in enumerate(lines, 1)
              for v in stack.account_leaks(line)]
    assert not found, f"{len(found)} account number(s) or hash(es) leaked:\n" + "\n".join(found[:20])
