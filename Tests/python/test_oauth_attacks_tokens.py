"""Attacks with tokens, over the wire through the real router (`oauth_stack`): audience, expiry,
revocation, refresh rotation and its races, tokens in the query string, the trade scope, the
per-address rate limit, and the operator's grants command.

Each is refused with the right status and error, stores nothing, and echoes no secret it was given.
"""

import json
import subprocess
import time

import pytest

from oauth_checks import code_for, redirected_error, refused
from oauth_support import pkce, token_hash
from oauth_walk import REDIRECT


# MARK: Audience, expiry, revocation, rotation


def test_a_token_for_another_audience_is_refused(oauth_stack):
    stack = oauth_stack
    client, tokens, _ = stack.authorized(resource=stack.url + "/sse")
    answer = stack.mcp_post(tokens["access_token"], "/mcp")
    refused(answer, 401, "invalid_token", leaked=[tokens["access_token"]])
    challenge = answer.headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
    assert "resource_metadata=" in challenge
    # A resource that is not ours is refused at /authorize (back to the client) ...
    _, pkce_challenge = pkce()
    response = stack.get(stack.authorize_url(client, pkce_challenge, resource="https://evil.example/mcp"))
    redirected_error(response, "invalid_target")
    # ... and a token request may not change the resource the user approved.
    code, verifier = code_for(stack, client)
    swapped = stack.token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                          code_verifier=verifier, resource=stack.url + "/sse")
    refused(swapped, 400, "invalid_target", leaked=[code])
    refresh = stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"],
                          resource=stack.url + "/mcp")
    refused(refresh, 400, "invalid_target", leaked=[tokens["refresh_token"]])


def test_expired_and_revoked_access_tokens_get_401(oauth_stack):
    stack = oauth_stack
    client, tokens, _ = stack.authorized()
    access = tokens["access_token"]
    assert stack.mcp_post(access).status_code == 200
    key = "access:" + token_hash(access)
    record = stack.kv_get_json(key)
    assert record and "access_token" not in json.dumps(record) and access not in json.dumps(record)
    stack.kv_put_json(key, dict(record, expires_at=int(time.time()) - 10))
    expired = stack.mcp_post(access)
    refused(expired, 401, "invalid_token", leaked=[access])
    assert "expired" in expired.json()["error_description"]

    _, tokens, _ = stack.authorized(client=client)
    access = tokens["access_token"]
    assert stack.mcp_post(access).status_code == 200
    assert stack.revoke(client, access).status_code == 200
    refused(stack.mcp_post(access), 401, "invalid_token", leaked=[access])
    # Revoking the access token leaves the grant: the refresh token still works.
    refreshed = stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    # Revoking the refresh token ends the grant: its refresh and every access token die.
    live = refreshed.json()
    assert stack.revoke(client, live["refresh_token"]).status_code == 200
    refused(stack.mcp_post(live["access_token"]), 401, "invalid_token")
    refused(stack.token(client, grant_type="refresh_token", refresh_token=live["refresh_token"]), 400,
             "invalid_grant", leaked=[live["refresh_token"]])
    assert stack.kv_get("grant:" + live["access_token"].split(".")[0]) is None


def test_revocation_by_another_client_or_of_unknown_tokens_changes_nothing(oauth_stack):
    stack = oauth_stack
    client, tokens, _ = stack.authorized()
    other = stack.register()
    assert stack.revoke(other, tokens["access_token"]).status_code == 200  # RFC 7009 §2.2: no oracle
    assert stack.revoke(other, tokens["refresh_token"]).status_code == 200
    assert stack.revoke(client, "unknown.token-that-was-never-issued-by-this-server").status_code == 200
    assert stack.mcp_post(tokens["access_token"]).status_code == 200
    refreshed = stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200


def test_a_rotated_refresh_token_dies_once_its_successor_is_used(oauth_stack):
    stack = oauth_stack
    client, tokens, _ = stack.authorized()
    r1 = tokens["refresh_token"]

    def refresh(token):
        return stack.token(client, grant_type="refresh_token", refresh_token=token)

    second = refresh(r1)
    assert second.status_code == 200
    r2 = second.json()["refresh_token"]
    assert r2 != r1
    # The answer may have been lost: until r2 is used, r1 may be presented once more.
    retry = refresh(r1)
    assert retry.status_code == 200
    r3 = retry.json()["refresh_token"]
    used = refresh(r3)  # the newest one is used: every older one is dead now
    assert used.status_code == 200
    for dead in (r1, r2):
        refused(refresh(dead), 400, "invalid_grant", leaked=[dead])
    r4 = used.json()["refresh_token"]
    assert refresh(r4).status_code == 200
    refused(refresh(r3), 400, "invalid_grant", leaked=[r3])
    stack.remember("refresh token", r4)


def test_an_operator_lists_and_revokes_grants(oauth_stack):
    stack = oauth_stack
    client, tokens, _ = stack.authorized()
    grant_id = tokens["access_token"].split(".")[0]

    def grants(*args):
        return subprocess.run(
            [stack.binary, "grants", "--socket", stack.socket_dir + "/kv.sock", *args], capture_output=True,
            cwd=stack.folder, timeout=30, text=True)

    listed = grants("list")
    assert listed.returncode == 0, listed.stderr
    mine = [json.loads(line) for line in listed.stdout.splitlines() if grant_id in line]
    assert len(mine) == 1 and mine[0]["client_id"] == client["client_id"], listed.stdout
    assert tokens["access_token"] not in listed.stdout and tokens["refresh_token"] not in listed.stdout
    assert tokens["refresh_token"].split(".")[1] not in listed.stdout
    revoked = grants("revoke", grant_id)
    assert revoked.returncode == 0, revoked.stderr
    refused(stack.mcp_post(tokens["access_token"]), 401, "invalid_token")
    refused(stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]), 400,
             "invalid_grant")
    assert grants("revoke", grant_id).returncode == 1, "revoking an unknown grant must say so"


def test_racing_refreshes_leave_one_consistent_grant(oauth_stack):
    from concurrent.futures import ThreadPoolExecutor

    stack = oauth_stack
    client, tokens, _ = stack.authorized()
    r1 = tokens["refresh_token"]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(
            lambda _: stack.token(client, grant_type="refresh_token", refresh_token=r1), range(8)))
    assert all(a.status_code in (200, 400) for a in answers), [a.text for a in answers]
    issued = [a.json()["refresh_token"] for a in answers if a.status_code == 200]
    assert issued, "no racing refresh succeeded"
    grant = stack.kv_get_json("grant:" + r1.split(".")[0])
    winners = [t for t in issued if token_hash(t) == grant["refresh_hash"]]
    assert len(winners) == 1, "the grant must name exactly one of the issued refresh tokens"
    assert grant["previous_refresh_hash"] == token_hash(r1)
    for loser in set(issued) - set(winners):
        refused(stack.token(client, grant_type="refresh_token", refresh_token=loser), 400, "invalid_grant")
    assert stack.token(client, grant_type="refresh_token", refresh_token=winners[0]).status_code == 200


# MARK: Where tokens may travel


def test_tokens_in_the_query_string_are_refused(oauth_stack):
    stack = oauth_stack
    _, tokens, _ = stack.authorized()
    access = tokens["access_token"]
    for path in ("/mcp?access_token=" + access, "/sse?access_token=" + access):
        no_header = stack.post(path, json={}, headers={"Accept": "application/json, text/event-stream"})
        refused(no_header, 400, "invalid_request", leaked=[access])
        assert "query" in no_header.json()["error_description"]
    both = stack.mcp_post(access, "/mcp?access_token=" + access)
    refused(both, 400, "invalid_request", leaked=[access])
    form = stack.post("/mcp", data={"access_token": access}, headers={"Accept": "application/json"})
    assert form.status_code in (400, 401, 415), form.text
    assert access not in form.text
    assert stack.mcp_post(access).status_code == 200


def test_missing_and_malformed_authorization_gets_a_challenge(oauth_stack):
    stack = oauth_stack
    response = stack.mcp_post(None)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and "resource_metadata=" in challenge and "scope=" in challenge
    metadata_url = challenge.split('resource_metadata="')[1].split('"')[0]
    document = stack.get(metadata_url).json()
    assert document["resource"] == stack.url + "/mcp" and document["authorization_servers"] == [stack.url]
    refused(stack.mcp_post("not-a-token"), 401, "invalid_token")
    refused(stack.post("/mcp", json={}, headers={"Authorization": "Basic dXNlcjpwYXNz"}), 400, "invalid_request")


def test_the_auth_endpoints_rate_limit_each_address(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    limited = None
    with stack.http() as one_address:
        # The bucket refills as real time passes (the router's clock), so the bound on tries is
        # generous: a loaded machine that answers slowly refills a little more meanwhile.
        for _ in range(1000):
            response = one_address.post(stack.url + "/token", data={
                "grant_type": "refresh_token", "refresh_token": "x", "client_id": client["client_id"]})
            if response.status_code == 429:
                limited = response
                break
            assert response.status_code in (400, 401), response.text
    assert limited is not None, "1000 token requests from one address were never limited"
    refused(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    # Another address is not affected.
    assert stack.token(client, grant_type="refresh_token", refresh_token="x").status_code == 400


@pytest.mark.parametrize("body", [
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"placeOrder","arguments":{}}}',
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"place\\u004frder","arguments":{}}}',
    '[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cancelOrder","arguments":{}}}]',
])
def test_order_tools_need_the_trade_scope(oauth_stack, body):
    stack = oauth_stack
    _, tokens, _ = stack.authorized()
    assert tokens["scope"] == "read"
    response = stack.post("/mcp", content=body, headers={
        "Authorization": "Bearer " + tokens["access_token"], "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream"})
    refused(response, 403, "insufficient_scope", leaked=[tokens["access_token"]])
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and "trade" in challenge.split('scope="')[1].split('"')[0]
