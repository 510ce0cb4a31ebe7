"""The real Python `mcp` client signs in through our OAuth server, over both transports.

Against `schwab-mcp up --auth oauth` (conftest's `oauth_stack`): the SDK's `OAuthClientProvider`
discovers the metadata, registers (RFC 7591), sends PKCE S256 and `resource` (RFC 8707); its
redirect handler walks our approval page (signed request, CSRF field and cookie) and the
sandbox's login form as demo user alex, and hands code, state and iss back. Then tools are
listed and called, the access token is refreshed (rotation checked in KV), and revoked (the next
request gets 401 and the client signs in again).

What the server saw is checked on its side too: the client in KV, the code consumed, the grant
bound to the MCP URL the client used, with alex's Schwab user id and the client id.
"""

import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata

from oauth_support import b64url, token_hash
from oauth_walk import REDIRECT, MemoryTokenStorage, SignIn


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _structured(result):
    assert not result.is_error, result.content
    return result.structured_content


@pytest.mark.anyio
@pytest.mark.parametrize("transport,mode", [("streamable-http", "legacy"), ("streamable-http", "auto"),
                                            ("sse", "legacy")])
async def test_the_mcp_client_signs_in_calls_tools_refreshes_and_is_revoked(oauth_stack, transport, mode):
    stack = oauth_stack
    path = "/mcp" if transport == "streamable-http" else "/sse"
    server_url = stack.url + path
    alex = stack.sandbox_users()["alex"]["schwabClientCorrelId"]
    sign_in = SignIn(stack)
    storage = MemoryTokenStorage()
    metadata = OAuthClientMetadata(
        client_name=f"e2e mcp client ({transport}, {mode})", redirect_uris=[REDIRECT],
        grant_types=["authorization_code", "refresh_token"], response_types=["code"], scope="read")
    provider = OAuthClientProvider(server_url, metadata, storage, sign_in.on_redirect, sign_in.on_callback)

    def client_factory(headers=None, timeout=None, auth=None):
        return stack.async_http(headers=headers, timeout=timeout or httpx2.Timeout(30, read=300), auth=auth,
                                event_hooks=sign_in.hooks)

    async def session_calls(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        assert {"status", "echo"} <= tools
        assert _structured(await client.call_tool("echo", {"message": "signed in"})) == {"message": "signed in"}
        return _structured(await client.call_tool("status", {}))

    if transport == "sse":
        target = sse_client(server_url, auth=provider, httpx_client_factory=client_factory)
        http = None
    else:
        http = stack.async_http(auth=provider, event_hooks=sign_in.hooks, timeout=httpx2.Timeout(30, read=300))
        target = streamable_http_client(server_url, http_client=http)
    try:
        async with Client(target, mode=mode) as client:
            status = await session_calls(client)
            assert status["transport"] == transport
            # The session runs in alex's object (the object id is the Schwab user id the sign-in
            # found): its record is stored under that object in KV, the status tool reports alex's
            # Schwab sign-in, and the account tools answer with alex's accounts, scrubbed.
            objects = stack.kv_keys("obj:", namespace="OBJECTS")
            mine = [k for k in objects if f":MyMCP:{len(alex)}:{alex}:" in k]
            assert mine, f"no object of the Schwab user {alex} in KV: {objects}"
            if transport == "streamable-http":
                assert any(k.endswith("/" + sign_in.session_id) for k in mine), (sign_in.session_id, mine)
            nicknames = [a["nickName"] for a in stack.sandbox_users()["alex"]["accounts"]]
            numbers = [a["accountNumber"] for a in stack.schwab_accounts(alex)]
            displays = [f"{nick} ...{number[-3:]}" for nick, number in zip(nicknames, numbers)]
            assert status["extra"]["schwab"]["signedIn"] is True, status
            assert status["extra"]["schwab"]["accounts"] == displays, status
            listed = _structured(await client.call_tool("getAccountNumbers", {}))
            assert [a["accountDisplay"] for a in listed["accounts"]] == displays
            detailed = await client.call_tool("getAccounts", {"fields": "positions"})
            assert not detailed.is_error and "Individual ...%s" % numbers[0][-3:] in detailed.model_dump_json()
            for result in (json.dumps(status), json.dumps(listed), detailed.model_dump_json()):
                for secret in stack.secrets["account number"] | stack.secrets["account hash"]:
                    assert secret not in result, "a tool result shows a full account number or hash"

            # Registration, PKCE and resource, as the client sent them and as the server kept them.
            assert len(sign_in.walks) == 1
            registered = sign_in.sent("/register")
            assert [answer for _, answer in registered] == [201]
            client_info = storage.client_info
            stack.remember("client secret", client_info.client_secret)
            authorize = {k: v[0] for k, v in parse_qs(urlsplit(sign_in.walks[0][0]).query).items()}
            assert authorize["client_id"] == client_info.client_id
            assert authorize["code_challenge_method"] == "S256"
            assert authorize["resource"] == server_url
            assert authorize["redirect_uri"] == REDIRECT
            final = sign_in.walks[0][2]
            assert final["iss"] == stack.url and final["state"] == authorize["state"]
            exchange = sign_in.sent("/token", "authorization_code")
            assert len(exchange) == 1 and exchange[0][1] == 200
            form = exchange[0][0]
            assert b64url(hashlib.sha256(form["code_verifier"].encode()).digest()) == authorize["code_challenge"]
            assert form["resource"] == server_url and form["code"] == final["code"]
            stack.remember("pkce verifier", form["code_verifier"])
            assert stack.kv_get("client:" + client_info.client_id) is not None, "the registration is not in KV"
            used = stack.kv_get_json("code:" + token_hash(final["code"]))
            assert used is None or set(used) == {"used_by_grant"}, "the code was not consumed"
            first = storage.tokens
            stack.remember_tokens(first.model_dump())
            grant_id = first.access_token.split(".")[0]
            grant = stack.kv_get_json("grant:" + grant_id)
            assert grant["resource"] == server_url, "the grant is not bound to the MCP URL the client used"
            assert grant["client_id"] == client_info.client_id and grant["schwab_user_id"] == alex
            assert grant["scopes"] == ["read"]
            assert grant["refresh_hash"] == token_hash(first.refresh_token)
            # Bound to this endpoint: the same token at the other MCP endpoint is someone else's audience.
            other = "/sse" if path == "/mcp" else "/mcp"
            refused = stack.mcp_post(first.access_token, other) if other == "/mcp" else stack.sse_get(
                first.access_token)
            assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]

            # Refresh: the client believes its token expired; it refreshes, and the server rotates.
            provider.context.token_expiry_time = time.time() - 1
            assert _structured(await client.call_tool("echo", {"message": "refreshed"})) == {"message": "refreshed"}
            second = storage.tokens
            stack.remember_tokens(second.model_dump())
            refreshes = sign_in.sent("/token", "refresh_token")
            assert [s for _, s in refreshes] == [200]
            assert refreshes[0][0]["refresh_token"] == first.refresh_token
            assert refreshes[0][0]["resource"] == server_url
            assert second.access_token != first.access_token and second.refresh_token != first.refresh_token
            grant = stack.kv_get_json("grant:" + grant_id)
            assert grant["refresh_hash"] == token_hash(second.refresh_token)
            assert grant["previous_refresh_hash"] == token_hash(first.refresh_token)
            assert len(sign_in.walks) == 1, "a refresh must not send the user through the browser again"

            # Revocation (RFC 7009): the token dies at once; the client's next request gets 401,
            # and the SDK signs in again (a second walk) and carries on.
            revoke = stack.revoke({"client_id": client_info.client_id, "client_secret": client_info.client_secret},
                                  second.access_token)
            assert revoke.status_code == 200, revoke.text
            gone = stack.mcp_post(second.access_token, "/mcp") if path == "/mcp" else stack.sse_get(
                second.access_token)
            assert gone.status_code == 401, gone.text
            assert _structured(await client.call_tool("echo", {"message": "again"})) == {"message": "again"}
            assert len(sign_in.walks) == 2, "after revocation the client signs in again"
            stack.remember_tokens(storage.tokens.model_dump())
            assert storage.tokens.access_token != second.access_token
    finally:
        if http is not None:
            await http.aclose()
        for _, walk, final in sign_in.walks:
            stack.remember("authorization code", final.get("code"))
