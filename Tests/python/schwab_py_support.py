"""How schwab-py, an independent Schwab client from PyPI, signs in to the sandbox and reaches it.

schwab-py's sign-in starts from its own authorize URL (`get_auth_context`) and ends with the authlib
token exchange its `client_from_received_url` makes; its client comes from
`client_from_access_functions` with the token in schwab-py's stored form.

schwab-py builds every URL on `https://api.schwabapi.com`. `point_at` sends its requests (token
refreshes included) to the sandbox as a TLS-terminating proxy answering for that host would: the
request keeps its Host and says `X-Forwarded-Proto: https`. Nothing else of schwab-py or of the
sandbox is changed.
"""

import datetime
import time
import urllib.parse

from authlib.integrations.httpx_client import OAuth2Client
from schwab.auth import client_from_access_functions, get_auth_context
from schwab.client import Client
from schwab.utils import Utils

from test_sandbox_openapi import (  # noqa: F401 (re-exported for the schwab-py tests)
    MARKET, MARKET_COMPONENTS, TRADER, TRADER_COMPONENTS, check, response_schema)
from test_sandbox_support import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Sandbox

UTC = datetime.timezone.utc


def point_at(client, sandbox):
    """Sends the client's requests to `sandbox`; returns the client."""
    def to_sandbox(request):
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=sandbox.port)
        request.headers["X-Forwarded-Proto"] = "https"

    async def to_sandbox_async(request):
        to_sandbox(request)

    is_async = client.session.__class__.__name__.startswith("Async")
    client.session.event_hooks = {"request": [to_sandbox_async if is_async else to_sandbox], "response": []}
    return client


def sign_in(sandbox, user):
    """Logs `user` in from schwab-py's authorize URL; returns schwab-py's stored token form."""
    context = get_auth_context(CLIENT_ID, REDIRECT_URI)
    url = urllib.parse.urlparse(context.authorization_url)
    assert (url.scheme, url.netloc, url.path) == ("https", "api.schwabapi.com", "/v1/oauth/authorize")
    received = sandbox.authorize(url.query, user)
    assert received.startswith(REDIRECT_URI + "?")
    oauth = OAuth2Client(CLIENT_ID, redirect_uri=REDIRECT_URI)
    token = oauth.fetch_token(
        sandbox.base + "/v1/oauth/token", authorization_response=received, client_id=CLIENT_ID,
        auth=(CLIENT_ID, CLIENT_SECRET), state=context.state)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 1800 and token["refresh_token"]
    return {"creation_timestamp": int(time.time()), "token": dict(token)}


def client_for(sandbox, stored, asyncio=False):
    """A schwab-py client over `stored` (updated in place when the token is refreshed)."""
    def write(token, *args, **kwargs):
        stored.clear()
        stored.update(token)

    return point_at(
        client_from_access_functions(CLIENT_ID, CLIENT_SECRET, lambda: stored, write, asyncio=asyncio), sandbox)


def sandbox_world():
    """Yields (sandbox, client, account numbers) for the demo user casey: a module fixture's body."""
    sandbox = Sandbox("--seed", "7")
    try:
        client = client_for(sandbox, sign_in(sandbox, "casey"))
        yield sandbox, client, ok(client.get_account_numbers())
    finally:
        sandbox.stop()


def ok(response, status=200):
    """The parsed body of a `status` answer (None when empty); every answer has a CorrelId."""
    assert response.status_code == status, (response.request.url, response.text[:500])
    assert response.headers["Schwab-Client-CorrelId"]
    return response.json() if response.content else None


def trader(body, path, method="get", status="200"):
    check(body, response_schema(TRADER, path, method, status), TRADER_COMPONENTS)


def market(body, path):
    check(body, response_schema(MARKET, path), MARKET_COMPONENTS)


def place(client, account, order):
    """Places `order`; returns its id (from Location, by schwab-py) and the order as get_order shows it."""
    response = client.place_order(account, order)
    assert ok(response, 201) is None
    order_id = Utils(client, account).extract_order_id(response)
    assert isinstance(order_id, int), response.headers.get("Location")
    return order_id, fetch(client, account, order_id)


def fetch(client, account, order_id):
    order = ok(client.get_order(order_id, account))
    trader(order, "/accounts/{accountNumber}/orders/{orderId}")
    assert order["orderId"] == order_id
    return order


def legs(order):
    return [(leg["instruction"], leg["instrument"]["symbol"], leg["instrument"]["assetType"], leg["quantity"])
            for leg in order["orderLegCollection"]]


def holdings(client, account):
    body = ok(client.get_account(account, fields=Client.Account.Fields.POSITIONS))
    return {p["instrument"]["symbol"]: p["longQuantity"] - p["shortQuantity"]
            for p in body["securitiesAccount"].get("positions", [])}


def ids(orders):
    return {o["orderId"] for o in orders}
