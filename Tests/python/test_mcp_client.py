"""The real Python `mcp` client SDK against our MCP endpoint.

The server is found in this order:
  1. MCP_BASE_URL (e.g. http://127.0.0.1:PORT): set by hand to test a server already running;
  2. `$SCHWAB_MCP_BIN mcp-dev --port P` (the MCP endpoint alone, sessions in memory), started
     and stopped here; scripts/test sets SCHWAB_MCP_BIN to the debug build.
With neither, every test is skipped with the reason.
"""

import json
import os
import socket
import subprocess
import time

import anyio
import httpx2
import pytest

from mcp import Client, types
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from oauth_support import free_port

VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]


def _free_port():
    return free_port()


@pytest.fixture(scope="module")
def base_url():
    url = os.environ.get("MCP_BASE_URL")
    if url:
        yield url.rstrip("/")
        return
    binary = os.environ.get("SCHWAB_MCP_BIN", "")
    if not binary or not os.path.exists(binary):
        pytest.skip("no server: set MCP_BASE_URL, or SCHWAB_MCP_BIN to a binary with `mcp-dev`")
    probe = subprocess.run([binary, "mcp-dev", "--help"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.fail("the binary has no `mcp-dev` subcommand")
    port = _free_port()
    child = subprocess.Popen([binary, "mcp-dev", "--port", str(port)])
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait(timeout=60)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _structured(result):
    assert not result.is_error, result.content
    return result.structured_content


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_streamable_http_lists_and_calls_tools(base_url, mode):
    async with Client(f"{base_url}/mcp", mode=mode) as client:
        assert client.protocol_version == "2025-11-25"
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"status", "echo"} <= set(tools)
        assert tools["echo"].input_schema["required"] == ["message"]
        assert tools["status"].annotations.read_only_hint is True
        echoed = await client.call_tool("echo", {"message": "hello"})
        assert _structured(echoed) == {"message": "hello"}
        assert json.loads(echoed.content[0].text) == {"message": "hello"}
        status = _structured(await client.call_tool("status", {}))
        assert status["transport"] == "streamable-http"
        assert status["protocolVersion"] == "2025-11-25"


@pytest.mark.anyio
async def test_invalid_input_is_a_tool_error_naming_the_field(base_url):
    async with Client(f"{base_url}/mcp", mode="legacy") as client:
        result = await client.call_tool("echo", {"message": "x", "progressSteps": 1000})
        assert result.is_error
        assert "progressSteps: expected an integer from 0 to 100, received 1000" in result.content[0].text


@pytest.mark.anyio
async def test_legacy_sse_transport(base_url):
    async with Client(sse_client(f"{base_url}/sse")) as client:
        assert client.protocol_version in VERSIONS
        names = [t.name for t in (await client.list_tools()).tools]
        assert "echo" in names
        status = _structured(await client.call_tool("status", {}))
        assert status["transport"] == "sse"
        echoed = await client.call_tool("echo", {"message": "over sse"})
        assert echoed.content[0].text == '{"message":"over sse"}'


@pytest.mark.anyio
@pytest.mark.parametrize("version", VERSIONS)
async def test_each_revision_negotiates_raw(base_url, version):
    headers = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
    async with httpx2.AsyncClient() as http:
        r = await http.post(f"{base_url}/mcp", json=body, headers=headers)
        assert r.status_code == 200
        assert r.json()["result"]["protocolVersion"] == version
        session = r.headers["mcp-session-id"]
        headers |= {"mcp-session-id": session, "mcp-protocol-version": version}
        r = await http.post(f"{base_url}/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"},
                            headers=headers)
        assert r.status_code == 202
        r = await http.post(f"{base_url}/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                            headers=headers)
        tools = {t["name"]: t for t in r.json()["result"]["tools"]}
        assert ("outputSchema" in tools["status"]) == (version >= "2025-06-18")
        assert ("annotations" in tools["status"]) == (version >= "2025-03-26")
        r = await http.delete(f"{base_url}/mcp", headers=headers)
        assert r.status_code == 200
        r = await http.post(f"{base_url}/mcp", json={"jsonrpc": "2.0", "id": 3, "method": "ping"}, headers=headers)
        assert r.status_code == 404


@pytest.mark.anyio
async def test_progress_notifications_reach_the_callback(base_url):
    seen = []

    async def on_progress(progress, total, message):
        seen.append((progress, total, message))

    async with Client(f"{base_url}/mcp", mode="legacy") as client:
        result = await client.call_tool("echo", {"message": "p", "progressSteps": 3}, progress_callback=on_progress)
        assert _structured(result) == {"message": "p"}
    assert [p for p, _, _ in seen] == [1, 2, 3]
    assert all(total == 3 for _, total, _ in seen)


@pytest.mark.anyio
async def test_cancellation_stops_the_call_in_flight(base_url):
    in_flight = anyio.Event()

    async def on_progress(progress, total, message):
        in_flight.set()

    async with Client(f"{base_url}/mcp", mode="legacy") as client:
        scope = anyio.CancelScope()

        async def slow_call():
            with scope:
                await client.call_tool("echo", {"message": "slow", "delayMs": 60000, "progressSteps": 100},
                                       progress_callback=on_progress)

        async with anyio.create_task_group() as group:
            group.start_soon(slow_call)
            with anyio.fail_after(30):
                await in_flight.wait()  # the first progress proves the call runs on the server
            scope.cancel()
        assert scope.cancelled_caught
        cancelled = 0
        with anyio.fail_after(30):
            while cancelled == 0:
                cancelled = _structured(await client.call_tool("status", {}))["cancelledCalls"]
                if cancelled == 0:
                    await anyio.sleep(0.05)
        assert cancelled == 1


@pytest.mark.anyio
@pytest.mark.parametrize("action, confirmed, message", [("accept", True, "sure"), ("decline", False, "")])
async def test_elicitation_round_trip(base_url, action, confirmed, message):
    asked = []

    async def on_elicit(context, params):
        asked.append(params.message)
        assert params.requested_schema["properties"]["confirm"]["type"] == "boolean"
        content = {"confirm": True} if action == "accept" else None
        return types.ElicitResult(action=action, content=content)

    async with Client(f"{base_url}/mcp", mode="legacy", elicitation_callback=on_elicit) as client:
        result = _structured(await client.call_tool("echo", {"message": "sure", "confirm": True}))
    assert asked == ['Echo "sure"?']
    assert result == {"message": message, "confirmed": confirmed}


@pytest.mark.anyio
async def test_last_event_id_resumes_a_dropped_stream(base_url):
    resumed = []

    async def on_request(request):
        if request.method == "GET" and "last-event-id" in request.headers:
            resumed.append(request.headers["last-event-id"])

    progress = []

    async def on_progress(p, total, message):
        progress.append(p)

    async with httpx2.AsyncClient(event_hooks={"request": [on_request]}, timeout=30) as http:
        async with Client(streamable_http_client(f"{base_url}/mcp", http_client=http), mode="legacy") as client:
            result = await client.call_tool(
                "echo", {"message": "again", "progressSteps": 3, "reconnect": True}, progress_callback=on_progress)
            assert _structured(result) == {"message": "again"}
    assert resumed, "the client never reconnected with Last-Event-ID"
    assert progress == [1, 2, 3]
