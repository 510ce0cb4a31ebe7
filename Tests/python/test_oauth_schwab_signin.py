"""The Schwab side of the sign-in, seen by a real MCP client (`oauth_stack`).

The sandbox's admin API plays time forward for Schwab's tokens:
- Schwab's access token expires (its refresh token lives): the next tool call still answers,
  because the token manager refreshes with Schwab and stores the new token in KV (encrypted).
- Schwab's refresh token dies too (as after 7 days): the tool says in plain words to sign in
  again, every grant of that Schwab user is revoked, the client's next request gets 401, and the
  SDK signs in again by itself and carries on.
"""

import json

import pytest

from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata

from oauth_walk import REDIRECT, MemoryTokenStorage, SignIn


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _expire_schwab_tokens(stack, keep_refresh):
    response = stack.post(stack.sandbox + "/admin/expire-tokens", json={"keepRefreshTokens": keep_refresh},
                          headers={"Authorization": "Bearer " + stack.admin_token})
    assert response.status_code == 200, response.text


@pytest.mark.anyio
async def test_schwab_tokens_are_refreshed_and_a_dead_sign_in_sends_the_client_back_to_sign_in(oauth_stack):
    stack = oauth_stack
    alex = stack.sandbox_users()["alex"]["schwabClientCorrelId"]
    sign_in = SignIn(stack)
    storage = MemoryTokenStorage()
    metadata = OAuthClientMetadata(client_name="e2e schwab sign-in", redirect_uris=[REDIRECT],
                                   grant_types=["authorization_code", "refresh_token"], scope="read")
    provider = OAuthClientProvider(stack.url + "/mcp", metadata, storage, sign_in.on_redirect, sign_in.on_callback)
    async with stack.async_http(auth=provider, event_hooks=sign_in.hooks, timeout=30) as http:
        async with Client(streamable_http_client(stack.url + "/mcp", http_client=http), mode="legacy") as client:
            listed = await client.call_tool("getAccountNumbers", {})
            assert not listed.is_error, listed.content
            _, before = stack.schwab_tokens(alex)

            # Schwab's access token dies, its refresh token lives: the token manager refreshes.
            _expire_schwab_tokens(stack, keep_refresh=True)
            again = await client.call_tool("getAccounts", {})  # not cached: it reaches Schwab
            assert not again.is_error, again.content
            assert [a["accountDisplay"] for a in again.structured_content["accounts"]] == [
                a["accountDisplay"] for a in listed.structured_content["accounts"]]
            _, after = stack.schwab_tokens(alex)
            assert after["access_token"] != before["access_token"], "the refreshed Schwab token was not saved"
            stack.remember_schwab_tokens()
            assert len(sign_in.walks) == 1

            # Schwab's refresh token dies: plain words, the grant revoked, 401, a new sign-in.
            _expire_schwab_tokens(stack, keep_refresh=False)
            token_before = storage.tokens.access_token
            dead = await client.call_tool("getAccounts", {})
            assert dead.is_error, dead.content
            message = json.dumps(dead.model_dump()["content"]).lower()
            assert "sign in" in message, f"the tool does not tell the user to sign in again: {message}"
            assert stack.mcp_post(token_before).status_code == 401, "the dead sign-in left the grant alive"
            revived = await client.call_tool("getAccounts", {})
            assert not revived.is_error, revived.content
            assert len(sign_in.walks) == 2, "the client did not sign in again"
            assert storage.tokens.access_token != token_before
            stack.remember_tokens(storage.tokens.model_dump())
            stack.remember_schwab_tokens()
    for _, _, final in sign_in.walks:
        stack.remember("authorization code", final.get("code"))
    stack.remember("client secret", storage.client_info.client_secret)
