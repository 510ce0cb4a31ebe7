"""The real Python `mcp` SDK's `stdio_client` against `schwab-mcp stdio`.

The binary comes from SCHWAB_MCP_BIN (scripts/test sets it to the debug build); without it every
test is skipped. Each test gets its own folder with a wrangler.toml whose data and sockets live
inside it, so no running stack is touched. The signed-in test also runs the sandbox and
`schwab-mcp login`, playing the browser with the standard library (the callback's certificate is
self-signed, so its check is turned off for that one request, as a user accepts the warning).
"""

import json
import os
import pathlib
import re
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest
from mcp import Client, types
from mcp.client.stdio import StdioServerParameters

from test_sandbox_support import FormReader, NO_REDIRECTS, Sandbox
from oauth_support import free_port

KEY = "python-stdio-test-key-0123456789abcdef-0"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def binary():
    path = os.environ.get("SCHWAB_MCP_BIN", "")
    if not path or not os.path.exists(path):
        pytest.skip("set SCHWAB_MCP_BIN to a schwab-mcp binary with the `stdio` subcommand")
    if subprocess.run([path, "stdio", "--help"], capture_output=True, timeout=30).returncode != 0:
        pytest.fail("the binary has no `stdio` subcommand")
    return path


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="stdio-py-") as folder:
        config = pathlib.Path(folder) / "wrangler.toml"
        config.write_text(
            f'name = "stdio-py"\n[runtime]\ndata_dir = "{folder}/data"\nsocket_dir = "{folder}/sock"\n')
        yield str(config)


def server(binary, config, *extra):
    # Only the default inherited variables plus the key: no Schwab app, so the sandbox defaults apply.
    return StdioServerParameters(
        command=binary, args=["stdio", "--config", config, *extra], env={"COOKIE_ENCRYPTION_KEY": KEY})


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_stdio_client_lists_and_calls_tools(binary, world, mode):
    async with Client(server(binary, world), mode=mode) as client:
        assert client.protocol_version == "2025-11-25"
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"status", "getAccounts", "getQuotes", "echo"} <= set(tools)
        assert "placeOrder" not in tools
        assert tools["getAccounts"].annotations.read_only_hint is True
        status = await client.call_tool("status", {})
        assert not status.is_error
        facts = status.structured_content
        assert facts["transport"] == "stdio"
        assert facts["extra"]["schwab"]["signedIn"] is False
        assert "schwab-mcp login" in facts["extra"]["schwab"]["schwabError"]
        echoed = await client.call_tool("echo", {"message": "over stdio"})
        assert echoed.structured_content == {"message": "over stdio"}
        refused = await client.call_tool("getAccounts", {})
        assert refused.is_error
        assert "schwab-mcp login" in refused.content[0].text


@pytest.mark.anyio
async def test_stdio_client_answers_an_elicitation(binary, world):
    asked = []

    async def on_elicit(context, params):
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": True})

    async with Client(server(binary, world), mode="legacy", elicitation_callback=on_elicit) as client:
        result = await client.call_tool("echo", {"message": "confirm me", "confirm": True})
        assert result.structured_content == {"message": "confirm me", "confirmed": True}
        assert asked and "confirm me" in asked[0]


def _free_port():
    return free_port()


def _login(binary, config, sandbox, port):
    """Runs `schwab-mcp login` and plays the browser for demo user alex; returns its stdout."""
    login = subprocess.Popen(
        [binary, "login", "--config", config, "--no-browser", "--port", str(port), "--api-base", sandbox.base,
         "--timeout", "600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": os.environ.get("PATH", ""), "COOKIE_ENCRYPTION_KEY": KEY})
    try:
        url = None
        while url is None:
            line = login.stdout.readline()
            assert line, "login ended before printing the URL: " + login.stderr.read()
            if "/v1/oauth/authorize?" in line:
                url = line.strip()
        with urllib.request.urlopen(url, timeout=60) as page:
            form = FormReader()
            form.feed(page.read().decode())
        fields = dict(form.fields)
        fields.update(login="alex", password="demo")
        request = urllib.request.Request(
            urllib.parse.urljoin(url, form.action), data=urllib.parse.urlencode(fields).encode(), method="POST")
        try:
            NO_REDIRECTS.open(request, timeout=60)
            raise AssertionError("the login form did not redirect")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302
            callback = redirect.headers["Location"]
        assert callback.startswith(f"https://127.0.0.1:{port}/callback?")
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen(callback, context=insecure, timeout=60) as done:
            assert "Signed in" in done.read().decode()
        out, err = login.communicate(timeout=60)
        assert login.returncode == 0, err
        return out
    finally:
        if login.poll() is None:
            login.kill()
            login.wait()


@pytest.mark.anyio
async def test_stdio_after_login_reads_the_sandbox_accounts(binary, world):
    port = _free_port()
    sandbox = Sandbox("--redirect-uri", f"https://127.0.0.1:{port}/callback")
    try:
        printed = _login(binary, world, sandbox, port)
        assert "signed in." in printed
        assert not re.search(r"\d{8}", printed), "login prints display names only"
        async with Client(server(binary, world, "--api-base", sandbox.base), mode="legacy") as client:
            status = (await client.call_tool("status", {})).structured_content
            assert status["extra"]["schwab"]["signedIn"] is True
            displays = status["extra"]["schwab"]["accounts"]
            assert any(name.startswith("Individual ...") for name in displays)
            accounts = await client.call_tool("getAccounts", {})
            assert not accounts.is_error, accounts.content
            text = json.dumps(accounts.structured_content) + accounts.content[0].text
            assert "accountDisplay" in text
            assert not re.search(r"\d{8}", text), "no full account number in a tool result"
            quotes = await client.call_tool("getQuotes", {"symbols": ["AAPL"]})
            assert not quotes.is_error, quotes.content
            assert "AAPL" in json.dumps(quotes.structured_content)
    finally:
        sandbox.stop()


@pytest.mark.anyio
async def test_stdio_trading_confirms_each_order_by_elicitation(binary, world):
    config = pathlib.Path(world)
    config.write_text(config.read_text() + '[vars]\nENABLE_TRADING = "true"\nMAX_ORDER_QUANTITY = "10"\n')
    port = _free_port()
    sandbox = Sandbox("--redirect-uri", f"https://127.0.0.1:{port}/callback")
    answers, asked = ["accept", "decline"], []

    async def on_elicit(context, params):
        asked.append(params.message)
        action = answers.pop(0)
        return types.ElicitResult(action=action, content={"confirm": True} if action == "accept" else None)

    order = {
        "accountNumber": "Individual", "orderStrategyType": "SINGLE", "orderType": "MARKET", "session": "NORMAL",
        "duration": "DAY",
        "orderLegCollection": [{"instruction": "BUY", "quantity": 2, "instrument": {"symbol": "AAPL", "assetType": "EQUITY"}}],
    }
    try:
        _login(binary, world, sandbox, port)
        parameters = server(binary, world, "--api-base", sandbox.base)
        async with Client(parameters, mode="legacy", elicitation_callback=on_elicit) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {"placeOrder", "previewOrder", "cancelOrder", "replaceOrder"} <= names
            placed = await client.call_tool("placeOrder", order)
            assert not placed.is_error, placed.content
            assert placed.structured_content["status"] == "placed" and placed.structured_content["orderId"]
            assert "AAPL" in asked[0] and "Individual" in asked[0]
            assert not re.search(r"\d{8}", asked[0]), "the question names the account by display name only"
            declined = await client.call_tool("placeOrder", order)
            assert len(asked) == 2
            text = json.dumps(declined.structured_content) + " ".join(c.text for c in declined.content)
            assert "declined" in text.lower() or "nothing was sent" in text.lower(), text
            too_big = dict(order, orderLegCollection=[dict(order["orderLegCollection"][0], quantity=50)])
            refused = await client.call_tool("placeOrder", too_big)
            assert refused.is_error and len(asked) == 2, "a limit refusal asks nothing"
    finally:
        sandbox.stop()
