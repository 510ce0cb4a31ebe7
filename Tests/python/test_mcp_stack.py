"""The real Python `mcp` client through the whole runtime: router -> session host -> MyMCP.

Every test of test_mcp_client.py runs again here, against `schwab-mcp up --auth none` (kv, two
session hosts, the router and the sandbox as real processes) instead of `mcp-dev`; the tests
below add what only the whole stack has: a host SIGKILLed mid-session while the same session
carries on from the other host, its record read back from the object's storage in kv.

SCHWAB_MCP_BIN names the binary (scripts/test sets it to the debug build); without it every test
is skipped with the reason.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import anyio
import httpx2
import pytest

from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from test_mcp_client import *  # noqa: F401,F403 - the same tests, collected again with the fixture below
from test_mcp_client import _free_port, _structured


def _wait_for_health(url, child, deadline):
    while time.time() < deadline:
        if child.poll() is not None:
            return False
        try:
            if httpx2.get(url + "/health", timeout=10).json().get("live_hosts") == 2:
                return True
        except (httpx2.HTTPError, ValueError):
            pass
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def stack():
    """`schwab-mcp up` on free ports in a temporary folder, stopped by pid at the end."""
    binary = os.environ.get("SCHWAB_MCP_BIN", "")
    if not binary or not os.path.exists(binary):
        pytest.skip("no binary: set SCHWAB_MCP_BIN to a schwab-mcp with `up`")
    folder = tempfile.mkdtemp(prefix="mcp-stack-")
    port = _free_port()
    log_path = os.path.join(folder, "up.log")
    log = open(log_path, "w")
    child = subprocess.Popen(
        [binary, "up", "--auth", "none", "--port", str(port), "--sandbox-port", str(_free_port()),
         "--data-dir", os.path.join(folder, "data"), "--socket-dir", os.path.join(folder, "s")],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not _wait_for_health(url, child, time.time() + 90):
            pytest.fail("the stack did not come up:\n" + open(log_path).read()[-4000:])
        yield {"url": url, "log": log_path, "pid": child.pid}
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def base_url(stack):
    """Overrides test_mcp_client's server: the router of the whole stack."""
    return stack["url"]


def _host_pids(log_path):
    """The latest pid of each `host-N`, from the supervisor's `started` lines."""
    pids = {}
    for line in open(log_path):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") == "up" and record.get("msg") == "started":
            name = record.get("process", "")
            if re.fullmatch(r"host-\d+", name):
                pids[name] = record["pid"]
    return pids


def _owning_host(url, deadline_seconds=60):
    """The host whose activations gauge counts the `local` object (the only object here).

    The router waits a second for each host's counters when it renders /metrics; a host on a
    loaded machine may miss that second and be left off one page, so ask until one is on it."""
    deadline = time.time() + deadline_seconds
    while True:
        metrics = httpx2.get(url + "/metrics", timeout=60).text
        owners = [m.group(1) for m in re.finditer(r'schwab_mcp_host_activations\{host="(\d+)"\} (\d+)', metrics)
                  if int(m.group(2)) > 0]
        if owners or time.time() > deadline:
            return owners
        time.sleep(0.1)


async def _call_until_ok(client, name, arguments, deadline_seconds=60):
    """Calls a tool, retrying as a client would while the router fails over to the next host."""
    deadline = time.time() + deadline_seconds
    while True:
        try:
            return await client.call_tool(name, arguments)
        except Exception:
            if time.time() > deadline:
                raise
            await anyio.sleep(0.1)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_session_survives_its_host_being_killed(stack, mode):
    url = stack["url"]
    sent = []  # (session id header, JSON-RPC method) of every POST the client makes

    async def on_request(request):
        if request.method == "POST":
            method = json.loads(request.content or b"{}").get("method") if request.content else None
            sent.append((request.headers.get("mcp-session-id"), method))

    async with httpx2.AsyncClient(event_hooks={"request": [on_request]}, timeout=30) as http:
        async with Client(streamable_http_client(f"{url}/mcp", http_client=http), mode=mode) as client:
            before = _structured(await client.call_tool("echo", {"message": "before"}))
            assert before == {"message": "before"}
            owners = _owning_host(url)
            assert len(owners) >= 1, "no host reports an activation"
            pids = _host_pids(stack["log"])
            for n in owners:
                os.kill(pids[f"host-{n}"], signal.SIGKILL)
            killed_at = len(sent)
            after = _structured(await _call_until_ok(client, "echo", {"message": "after"}))
            assert after == {"message": "after"}
            status = _structured(await client.call_tool("status", {}))
            assert status["transport"] == "streamable-http"
    session_ids = {sid for sid, _ in sent if sid}
    assert len(session_ids) == 1, f"one session from start to end, saw {session_ids}"
    assert "initialize" not in [method for _, method in sent[killed_at:]], "no re-initialize after the kill"
