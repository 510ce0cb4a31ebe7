"""Safe trading through the whole stack with the real Python `mcp` client (issue 8).

`schwab-mcp up --auth oauth` with ENABLE_TRADING=true and MAX_ORDER_QUANTITY=50 (from the
environment, which overrides [vars] as in wrangler dev). The client signs in as demo user alex
with scopes read and trade, then: elicitation accept places exactly the summarised order (checked
at the sandbox), decline places nothing, a client without elicitation goes preview -> confirm id,
an altered order and a reused id are refused, the quantity limit refuses, and `schwab-mcp audit`
lists every step without an account number or hash.
"""

import datetime
import json
import os
import subprocess

import anyio
import httpx2
import pytest

from mcp import Client, types
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from oauth_support import REDIRECT, HeadlessBrowser, MemoryTokenStorage, Stack


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="module")
def trading_stack():
    saved = {k: os.environ.get(k) for k in ("ENABLE_TRADING", "MAX_ORDER_QUANTITY")}
    os.environ.update(ENABLE_TRADING="true", MAX_ORDER_QUANTITY="50")
    try:
        stack = Stack().start()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        yield stack
    finally:
        stack.cleanup()


class Sandbox:
    """alex's first account straight from the sandbox (admin-minted token), to check orders there."""

    def __init__(self, stack):
        self.stack = stack
        minted = stack.post(stack.sandbox + "/admin/tokens", json={"login": "alex"},
                            headers={"Authorization": "Bearer " + stack.admin_token})
        assert minted.status_code == 200, minted.text
        self.token = minted.json()["access_token"]
        numbers = self.get("/trader/v1/accounts/accountNumbers")
        self.number = numbers[0]["accountNumber"]
        self.hash = numbers[0]["hashValue"]
        self.secrets = [n["accountNumber"] for n in numbers] + [n["hashValue"] for n in numbers]

    def get(self, path):
        response = self.stack.get(self.stack.sandbox + path, headers={"Authorization": "Bearer " + self.token})
        assert response.status_code == 200, response.text
        return response.json()

    def order(self, order_id):
        return self.get(f"/trader/v1/accounts/{self.hash}/orders/{order_id}")

    def order_ids(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        span = [(now + datetime.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%S.000Z") for d in (-180, 180)]
        orders = self.get(f"/trader/v1/accounts/{self.hash}/orders?fromEnteredTime={span[0]}&toEnteredTime={span[1]}")
        return {str(o["orderId"]) for o in orders}

    def leaks(self, text):
        return [s for s in self.secrets if s in text]


def _order(account, quantity=3, price=100.0):
    return {
        "accountNumber": account, "orderStrategyType": "SINGLE", "session": "NORMAL", "duration": "DAY",
        "orderType": "LIMIT", "price": price,
        "orderLegCollection": [
            {"instruction": "BUY", "quantity": quantity, "instrument": {"symbol": "MSFT", "assetType": "EQUITY"}}],
    }


def _text(result):
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def _session(stack, body, elicit=None):
    """Signs in (read + trade) and runs `body(client)` with or without an elicitation handler."""
    async def on_redirect(url):
        walk = HeadlessBrowser(stack, REDIRECT, login="alex")
        walks.append(await anyio.to_thread.run_sync(walk.run, url))

    async def on_callback():
        final = walks[-1]
        return AuthorizationCodeResult(code=final["code"], state=final.get("state"), iss=final.get("iss"))

    walks = []
    metadata = OAuthClientMetadata(
        client_name="e2e trading client", redirect_uris=[REDIRECT], grant_types=["authorization_code", "refresh_token"],
        response_types=["code"], scope="read trade")
    provider = OAuthClientProvider(stack.url + "/mcp", metadata, MemoryTokenStorage(), on_redirect, on_callback)
    http = stack.async_http(auth=provider, timeout=httpx2.Timeout(30, read=120))
    try:
        async with Client(streamable_http_client(stack.url + "/mcp", http_client=http), mode="legacy",
                          elicitation_callback=elicit) as client:
            return await body(client)
    finally:
        await http.aclose()


@pytest.mark.anyio
async def test_trading_end_to_end(trading_stack):
    stack = trading_stack
    sandbox = Sandbox(stack)
    account = sandbox.number[-4:]  # the last digits name the account, as a person would
    before = sandbox.order_ids()
    asked = []
    answer = {"action": "accept"}

    async def on_elicit(context, params):
        asked.append(params.message)
        assert params.requested_schema["properties"]["confirm"]["type"] == "boolean"
        content = {"confirm": True} if answer["action"] == "accept" else None
        return types.ElicitResult(action=answer["action"], content=content)

    async def with_elicitation(client):
        names = {t.name for t in (await client.list_tools()).tools}
        assert {"previewOrder", "placeOrder", "replaceOrder", "cancelOrder"} <= names
        placed = await client.call_tool("placeOrder", _order(account))
        assert not placed.is_error, _text(placed)
        answer["action"] = "decline"
        declined = await client.call_tool("placeOrder", _order(account, quantity=4))
        assert not declined.is_error and declined.structured_content["status"] == "declined"
        answer["action"] = "accept"
        too_many = await client.call_tool("placeOrder", _order(account, quantity=60))
        assert too_many.is_error and "MAX_ORDER_QUANTITY" in _text(too_many)
        return placed, declined, too_many

    placed, declined, too_many = await _session(stack, with_elicitation, on_elicit)
    assert len(asked) == 2, asked  # the over-limit order never reached the user
    assert "BUY 3 MSFT (EQUITY)" in asked[0] and "Estimated cost: $300.00" in asked[0]
    order_id = placed.structured_content["orderId"]
    at_sandbox = sandbox.order(order_id)
    assert at_sandbox["price"] == 100 and at_sandbox["orderLegCollection"][0]["quantity"] == 3
    assert at_sandbox["orderLegCollection"][0]["instrument"]["symbol"] == "MSFT"
    assert sandbox.order_ids() - before == {order_id}, "the declined order reached the sandbox"

    async def without_elicitation(client):
        bare = await client.call_tool("placeOrder", _order(account, quantity=5))
        assert bare.is_error and "previewOrder" in _text(bare)
        preview = await client.call_tool("previewOrder", _order(account, quantity=5))
        assert not preview.is_error, _text(preview)
        confirmation = preview.structured_content["confirmationId"]
        altered = await client.call_tool("placeOrder", {**_order(account, quantity=6), "confirmationId": confirmation})
        assert altered.is_error and "not the one previewed" in _text(altered)
        confirmed = await client.call_tool("placeOrder", {**_order(account, quantity=5), "confirmationId": confirmation})
        assert not confirmed.is_error, _text(confirmed)
        reused = await client.call_tool("placeOrder", {**_order(account, quantity=5), "confirmationId": confirmation})
        assert reused.is_error and "already used" in _text(reused)
        return [bare, preview, altered, confirmed, reused]

    results = await _session(stack, without_elicitation)
    second = results[3].structured_content["orderId"]
    assert sandbox.order(second)["orderLegCollection"][0]["quantity"] == 5
    assert sandbox.order_ids() - before == {order_id, second}
    for result in [placed, declined, too_many, *results]:
        assert not sandbox.leaks(json.dumps(result.model_dump(mode="json"))), "an account number or hash leaked"

    audit = subprocess.run([stack.binary, "audit", "--socket", os.path.join(stack.socket_dir, "kv.sock")],
                           capture_output=True, text=True, cwd=stack.folder, timeout=30)
    assert audit.returncode == 0, audit.stderr
    events = [line.split(" ")[2:4] for line in audit.stdout.splitlines()]
    assert events == [
        ["placeOrder", "confirmation_requested"], ["placeOrder", "confirmed"], ["placeOrder", "placed"],
        ["placeOrder", "confirmation_requested"], ["placeOrder", "declined"],
        ["placeOrder", "refused_by_limits"],
        ["placeOrder", "refused_confirmation"], ["previewOrder", "previewed"],
        ["placeOrder", "refused_confirmation"], ["placeOrder", "confirmed"], ["placeOrder", "placed"],
        ["placeOrder", "refused_confirmation"],
    ], audit.stdout
    assert f"order={order_id}" in audit.stdout and f"order={second}" in audit.stdout
    assert not sandbox.leaks(audit.stdout)
    assert not sandbox.leaks(stack.log_text()), "an account number or hash in the stack's logs"
