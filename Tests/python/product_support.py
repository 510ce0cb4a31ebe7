"""Shared plumbing of the product end-to-end tests (Tests/python/test_product_*.py, issue 8).

Builds on oauth_support (helper oauth-e2e's, not edited here): `ProductStack` is its `Stack` (
`schwab-mcp up --auth oauth` with the sandbox, on free ports in a temporary folder, every relayed
log line in one file) with a wrangler.toml of our own in that folder, so a module can turn trading
on and set limits or switch the cache off through `[vars]` as an operator would.

What is here:
- `ProductStack`: the stack plus the sandbox seen directly (a token minted by the admin API for a
  demo user, GETs against the Trader and Market Data APIs, faults, token expiry, the clock), and
  the real account numbers and hashes of every demo user, for the scans;
- `signed_in`: the real `mcp` Client signed in through the stack's OAuth (the SDK's
  `OAuthClientProvider`, the approval page and the sandbox's login walked headlessly), recording
  every HTTP status it saw and every tool result it got;
- `leaks`: which account numbers or hashes appear in some text.
"""

import contextlib
import json
import os
import re
import time
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2

from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from oauth_support import REDIRECT, REPO, HeadlessBrowser, MemoryTokenStorage, Stack

TRADER = "/trader/v1"
MARKET = "/marketdata/v1"


def _vars_block(values):
    return "".join(f'{name} = "{value}"\n' for name, value in values.items())


class ProductStack(Stack):
    """`Stack` with `[vars]` of our choosing (the repository's wrangler.toml, its [vars] replaced)."""

    def __init__(self, vars=None):
        super().__init__()
        self.vars = {"LOG_LEVEL": "debug", "ENVIRONMENT": "development", "ENABLE_TRADING": "false"}
        self.vars.update(vars or {})
        self._sandbox_token = None
        self.numbers = set()  # every demo user's account numbers, from the sandbox directly
        self.hashes = set()  # and their hashes

    def start(self):
        with open(os.path.join(REPO, "wrangler.toml")) as f:
            text = f.read()
        # Replace the [vars] table (up to the next table) with ours.
        text = re.sub(r"(?ms)^\[vars\]\n.*?(?=^\[)", "[vars]\n" + _vars_block(self.vars) + "\n", text)
        with open(os.path.join(self.folder, "wrangler.toml"), "w") as f:
            f.write(text)
        super().start()
        self.learn_accounts()
        return self

    # The sandbox, directly.

    def admin(self, method, path, body=None):
        response = self.request(method, self.sandbox + path, json=body,
                                headers={"Authorization": "Bearer " + self.admin_token})
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def sandbox_token(self, login="alex", fresh=False):
        """An access token for `login` minted by the admin API (no browser), cached."""
        if fresh or self._sandbox_token is None or self._sandbox_token[0] != login:
            minted = self.admin("POST", "/admin/tokens", {"login": login})
            self.remember("schwab access token", minted["access_token"])
            self.remember("schwab refresh token", minted["refresh_token"])
            self._sandbox_token = (login, minted["access_token"])
        return self._sandbox_token[1]

    def schwab_get(self, path, params=None, login="alex"):
        """GET at the sandbox's API (`path` starts with /trader/v1 or /marketdata/v1) as `login`."""
        for attempt in range(2):
            response = self.get(self.sandbox + path, params=params,
                                headers={"Authorization": "Bearer " + self.sandbox_token(login, fresh=attempt > 0)})
            if response.status_code != 401:
                break
        assert response.status_code == 200, f"sandbox GET {path}: {response.status_code} {response.text[:500]}"
        return response.json()

    def learn_accounts(self):
        """Every demo user's account numbers and hashes, as the scans must never find them."""
        for login in self.sandbox_users():
            for entry in self.schwab_get(TRADER + "/accounts/accountNumbers", login=login):
                self.numbers.add(entry["accountNumber"])
                self.hashes.add(entry["hashValue"])
        self._sandbox_token = None
        assert self.numbers and self.hashes

    def displays(self, login="alex"):
        """number -> display name, computed from the sandbox's own answers as the seed shows them."""
        numbers = self.schwab_get(TRADER + "/accounts/accountNumbers", login=login)
        preference = self.schwab_get(TRADER + "/userPreference", login=login)
        preference = preference[0] if isinstance(preference, list) else preference
        by_number = {a["accountNumber"]: a for a in preference.get("accounts", [])}
        out = {}
        for entry in numbers:
            pref = by_number.get(entry["accountNumber"], {})
            suffix = pref.get("displayAcctId") or "..." + entry["accountNumber"][-3:]
            out[entry["accountNumber"]] = (pref.get("nickName") or "Account") + " " + suffix, entry["hashValue"]
        return out

    def orders_at_sandbox(self, login="alex"):
        """Every order of `login`'s accounts the sandbox holds (all statuses, a wide window)."""
        orders = []
        for number, (_, hash_value) in self.displays(login).items():
            orders += self.schwab_get(f"{TRADER}/accounts/{hash_value}/orders", params=order_window(), login=login)
        return orders

    def faults(self, *rules):
        for rule in rules:
            self.admin("POST", "/admin/faults", rule)

    def active_faults(self):
        return self.admin("GET", "/admin/faults")["faults"]

    def account_leaks(self, text):
        return leaks(text, self.numbers | self.hashes)


def order_window(days_back=50):
    """Order listing times from `days_back` days ago to tomorrow (Schwab allows 60 days for all accounts)."""
    now = time.time()
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return {"fromEnteredTime": time.strftime(fmt, time.gmtime(now - days_back * 86400)),
            "toEnteredTime": time.strftime(fmt, time.gmtime(now + 86400))}


def leaks(text, values):
    """The values (account numbers or hashes) found in `text`, also lower-cased hashes."""
    found = set()
    lowered = text.lower()
    for value in values:
        if value in text or value.lower() in lowered:
            found.add(value)
    return found


# MARK: The signed-in MCP client


class Session:
    """What one signed-in client did: statuses of every HTTP answer, every tool result."""

    def __init__(self, stack, login):
        self.stack = stack
        self.login = login
        self.walks = 0
        self.final = None
        self.statuses = []  # (method, path, status)
        self.results = []  # (tool, arguments, CallToolResult)
        self.storage = MemoryTokenStorage()
        self.client = None

    async def on_redirect(self, url):
        walk = HeadlessBrowser(self.stack, REDIRECT, login=self.login)
        self.final = await anyio.to_thread.run_sync(walk.run, url)
        self.walks += 1

    async def on_callback(self):
        assert "code" in self.final, f"the sign-in ended without a code: {self.final}"
        return AuthorizationCodeResult(code=self.final["code"], state=self.final.get("state"),
                                       iss=self.final.get("iss"))

    async def on_response(self, response):
        self.statuses.append((response.request.method, response.request.url.path, response.status_code))

    async def call(self, tool, arguments=None):
        """Calls `tool` and records its result (the scans read every one)."""
        result = await self.client.call_tool(tool, arguments or {})
        self.results.append((tool, arguments, result))
        return result

    async def ok(self, tool, arguments=None):
        """The structured content of a call that must succeed."""
        result = await self.call(tool, arguments)
        assert not result.is_error, f"{tool}({arguments}) failed: {text_of(result)}"
        return result.structured_content

    def result_texts(self):
        """Every result as text: content blocks and structured content."""
        return [text_of(r) + "\n" + json.dumps(r.structured_content or {}) for _, _, r in self.results]


def text_of(result):
    return "\n".join(getattr(block, "text", "") or "" for block in result.content)


@contextlib.asynccontextmanager
async def signed_in(stack, scope="read", login="alex", elicitation_callback=None, name="product e2e"):
    """The real `mcp` Client over Streamable HTTP at /mcp, signed in as `login` with `scope`."""
    session = Session(stack, login)
    metadata = OAuthClientMetadata(
        client_name=name, redirect_uris=[REDIRECT], grant_types=["authorization_code", "refresh_token"],
        response_types=["code"], scope=scope)
    server_url = stack.url + "/mcp"
    provider = OAuthClientProvider(server_url, metadata, session.storage, session.on_redirect, session.on_callback)
    http = stack.async_http(auth=provider, event_hooks={"response": [session.on_response]},
                            timeout=httpx2.Timeout(30, read=120))
    try:
        async with Client(streamable_http_client(server_url, http_client=http), mode="legacy",
                          elicitation_callback=elicitation_callback) as client:
            session.client = client
            session.provider = provider
            yield session
    finally:
        await http.aclose()
        if session.storage.tokens is not None:
            stack.remember_tokens(session.storage.tokens.model_dump())
