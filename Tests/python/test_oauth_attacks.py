"""Attacks on the OAuth server over the wire, through the real router (`oauth_stack`).

Each is refused with the right status and error, stores nothing (no client, code or grant appears
in KV), and echoes no secret it was given. The in-process unit tests of Tests/OAuthTests check the
same rules on the pure types; these go through sockets, the router's routing and the KV service.
"""

import json
import subprocess
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth_support import (
    REDIRECT, HeadlessBrowser, b64url, derive_key, open_envelope_payload, parse_forms, pkce, seal_envelope,
    token_hash)


# MARK: Helpers


def _refused(response, status, error=None, leaked=()):
    """`response` is a refusal: the status, the OAuth error (JSON) or an error page (HTML) with a
    request id, no redirect, and none of `leaked` in its head or body."""
    assert response.status_code == status, f"{response.status_code} != {status}: {response.text[:500]}"
    assert "location" not in response.headers, f"a refusal must not redirect: {response.headers['location']}"
    assert response.headers.get("x-request-id"), "no X-Request-Id on the refusal"
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        if error:
            assert body["error"] == error, body
        assert body["request_id"] == response.headers["x-request-id"] and body["error_description"]
    else:
        assert response.headers["x-request-id"] in response.text, "the error page does not show the request id"
    text = response.text + json.dumps(dict(response.headers))
    for secret in leaked:
        assert secret not in text, "the refusal echoes a secret it was given"


def _redirected_error(response, error, state="st-1", redirect=REDIRECT):
    """A refusal sent back to the client's registered redirect URI with error, state and iss."""
    assert response.status_code == 302, response.text[:500]
    location = response.headers["location"]
    assert location.startswith(redirect + "?"), location
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["error"] == error and query.get("state") == state and query["iss"]
    assert "code" not in query
    return query


def _code(stack, client, resource=None, redirect=REDIRECT):
    """An authorization code (and its verifier) from a full walk, not yet exchanged."""
    verifier, challenge = pkce()
    stack.remember("pkce verifier", verifier)
    final = HeadlessBrowser(stack, redirect).run(
        stack.authorize_url(client, challenge, redirect_uri=redirect, resource=resource))
    assert final.get("code"), final
    return final["code"], verifier


def _to_callback(stack, client):
    """Walks to Schwab's redirect back to our /callback and stops there: its URL and query."""
    verifier, challenge = pkce()
    final = HeadlessBrowser(stack, stack.url + "/callback").run(stack.authorize_url(client, challenge))
    return final["url"], final


def _new_keys(stack, prefix, before):
    return set(stack.kv_keys(prefix)) - before


# MARK: PKCE and codes


def test_a_wrong_or_missing_pkce_verifier_is_refused_and_issues_nothing(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    code, verifier = _code(stack, client)
    grants = set(stack.kv_keys("grant:"))
    wrong, _ = pkce()
    for form in ({"code_verifier": wrong}, {}, {"code_verifier": verifier[:-1] + ("A" if verifier[-1] != "A" else "B")}):
        response = stack.token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                               resource=stack.url + "/mcp", **form)
        _refused(response, 400, "invalid_grant", leaked=[code, verifier, wrong])
    assert not _new_keys(stack, "grant:", grants), "a refused exchange created a grant"


def test_plain_or_missing_pkce_is_refused_at_authorize(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    verifier, challenge = pkce()
    # (code_challenge, code_challenge_method); None leaves the parameter out.
    cases = [(verifier, "plain"), (challenge, None), (None, "S256"), ("too-short", "S256")]
    for given, method in cases:
        response = stack.get(stack.authorize_url(client, given, code_challenge_method=method))
        query = _redirected_error(response, "invalid_request")
        assert "S256" in query["error_description"] or "code_challenge" in query["error_description"]


def test_a_code_is_single_use(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    code, verifier = _code(stack, client)
    form = dict(grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier,
                resource=stack.url + "/mcp")
    first = stack.token(client, **form)
    assert first.status_code == 200, first.text
    grants = set(stack.kv_keys("grant:"))
    replay = stack.token(client, **form)
    _refused(replay, 400, "invalid_grant", leaked=[code, verifier])
    assert not _new_keys(stack, "grant:", grants), "the replay created a grant"
    assert stack.kv_get("code:" + token_hash(code)) is None


def test_a_code_only_works_for_its_client_and_redirect_uri(oauth_stack):
    stack = oauth_stack
    client, other = stack.register(), stack.register()
    code, verifier = _code(stack, client)
    base = dict(grant_type="authorization_code", code=code, code_verifier=verifier, resource=stack.url + "/mcp")
    _refused(stack.token(other, redirect_uri=REDIRECT, **base), 400, "invalid_grant", leaked=[code])
    _refused(stack.token(client, redirect_uri="http://127.0.0.1:9/other", **base), 400, "invalid_grant")
    wrong_secret = dict(client, client_secret="not-the-secret")
    _refused(stack.token(wrong_secret, redirect_uri=REDIRECT, **base), 401, "invalid_client")
    # None of the refusals used the code up: the rightful exchange still works.
    assert stack.token(client, redirect_uri=REDIRECT, **base).status_code == 200


# MARK: Redirect URIs


EVIL_REDIRECTS = [
    "https://evil.example/cb",
    "javascript:alert(document.cookie)",
    REDIRECT + "#fragment",
    "http://127.0.0.1:9@evil.example/cb",
    "http://evil.example@127.0.0.1:9/cb",
    "http://127.0.0.1.evil.example:9/cb",
    "http://localhost.evil.example/cb",
    "//evil.example/cb",
    "https://127.0.0.1:9/cb",
    "http://127.0.0.1:9/cb/../../evil",
    "http://127.0.0.1:9/cb?next=https://evil.example",
    "http://127.0.0.1:9/other",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("redirect", EVIL_REDIRECTS)
def test_authorize_never_redirects_to_an_unregistered_uri(oauth_stack, redirect):
    stack = oauth_stack
    client = stack.register()
    _, challenge = pkce()
    response = stack.get(stack.authorize_url(client, challenge, redirect_uri=redirect))
    _refused(response, 400)
    assert "redirect_uri" in response.text
    assert "approval-form" not in response.text


@pytest.mark.parametrize("redirect", [r for r in EVIL_REDIRECTS if not r.startswith(("http://127.0.0.1:9/", "https://"))]
                         + ["http://evil.example/cb", "custom-scheme:/cb"])
def test_registration_refuses_unsafe_redirect_uris_and_stores_nothing(oauth_stack, redirect):
    stack = oauth_stack
    clients = set(stack.kv_keys("client:"))
    response = stack.post("/register", json={"redirect_uris": [redirect], "client_name": "evil"})
    _refused(response, 400, "invalid_redirect_uri")
    assert not _new_keys(stack, "client:", clients)


def test_an_unknown_client_gets_a_page_never_a_redirect(oauth_stack):
    stack = oauth_stack
    _, challenge = pkce()
    response = stack.get(stack.authorize_url({"client_id": "no-such-client"}, challenge,
                                             redirect_uri="https://evil.example/cb"))
    _refused(response, 400)


# MARK: The Schwab state at /callback


def test_a_tampered_forged_expired_or_replayed_state_is_refused(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    callback, query = _to_callback(stack, client)
    state, code = query["state"], query["code"]
    payload = open_envelope_payload(state)
    assert payload["redirect_uri"] == REDIRECT and "code_verifier" not in payload, "the verifier travels sealed"
    codes = set(stack.kv_keys("code:"))

    def at_callback(new_state):
        return stack.get("/callback", params={"code": code, "state": new_state})

    body, mac = state.split(".")
    evil = dict(payload, redirect_uri="https://evil.example/cb")
    tampered = b64url(json.dumps(evil).encode()) + "." + mac
    _refused(at_callback(tampered), 400, leaked=[code])
    _refused(at_callback(body + "." + mac[:-2] + ("AA" if not mac.endswith("AA") else "BB")), 400)
    _refused(at_callback(seal_envelope(evil, "schwab-state", b"\x00" * 32)), 400)
    key = derive_key(stack.cookie_key, "state-signing v1")
    # Correctly signed (only the key holder could), but for the approval form, not for Schwab.
    _refused(at_callback(seal_envelope(payload, "approval", key)), 400)
    expired = at_callback(seal_envelope(dict(payload, exp=int(time.time()) - 5), "schwab-state", key))
    _refused(expired, 400, leaked=[code])
    assert "expired" in expired.text
    _refused(stack.get("/callback", params={"code": code}), 400)
    assert not _new_keys(stack, "code:", codes), "a refused callback issued a code"

    genuine = stack.get(callback)
    assert genuine.status_code == 302 and genuine.headers["location"].startswith(REDIRECT + "?code=")
    ours = parse_qs(urlsplit(genuine.headers["location"]).query)["code"][0]
    stack.remember("authorization code", ours)
    assert _new_keys(stack, "code:", codes) == {"code:" + token_hash(ours)}
    replay = stack.get(callback)
    _refused(replay, 400, leaked=[code, ours])
    assert "already used" in replay.text
    assert _new_keys(stack, "code:", codes) == {"code:" + token_hash(ours)}


def test_a_denial_at_schwab_goes_back_to_the_client_as_access_denied(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    _, query = _to_callback(stack, client)
    codes = set(stack.kv_keys("code:"))
    response = stack.get("/callback", params={"state": query["state"], "error": "access_denied"})
    answer = _redirected_error(response, "access_denied")
    assert answer["iss"] == stack.url
    assert not _new_keys(stack, "code:", codes)


def test_the_user_can_deny_on_the_approval_page(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    _, challenge = pkce()
    walk = HeadlessBrowser(stack, REDIRECT, approve=False)
    final = walk.run(stack.authorize_url(client, challenge))
    assert final["error"] == "access_denied" and final["state"] == "st-1" and final["iss"] == stack.url
    assert "code" not in final
    assert not any(stack.sandbox in hop[1] for hop in walk.hops), "a denial must not continue to Schwab"


# MARK: The approval page, its CSRF field and the approval cookie


def _approval_page(stack, http, client):
    _, challenge = pkce()
    url = stack.authorize_url(client, challenge)
    page = http.get(url)
    assert page.status_code == 200 and 'id="approval-form"' in page.text, page.text[:500]
    return url, dict(parse_forms(page.text)[0]["fields"])


def test_the_approval_form_needs_its_csrf_field_and_cookie(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    with stack.http() as browser:
        url, fields = _approval_page(stack, browser, client)
        csrf = browser.cookies.get("mcp-csrf")
        assert csrf, f"no CSRF cookie: {dict(browser.cookies)}"
        stack.remember("cookie mcp-csrf", csrf)
        forged = dict(fields, action="approve", csrf_token=fields["csrf_token"][:-2] + "xx")
        _refused(browser.post(stack.url + "/authorize", data=forged), 403)
        _refused(browser.post(stack.url + "/authorize", data=dict(fields, action="approve", csrf_token="")), 403)
        tampered_request = dict(fields, action="approve", request=fields["request"][:-3] + "abc")
        _refused(browser.post(stack.url + "/authorize", data=tampered_request), 400)
    with stack.http() as attacker:  # the genuine form fields, posted from a browser without the cookie
        _refused(attacker.post(stack.url + "/authorize", data=dict(fields, action="approve")), 403)
    assert not browser.cookies.get("mcp-approved")


def test_the_approval_page_cannot_be_framed_or_cached_and_tokens_are_not_cached(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    _, challenge = pkce()
    page = stack.get(stack.authorize_url(client, challenge))
    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"] and "<script" not in page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    csrf = page.headers["set-cookie"]
    assert "HttpOnly" in csrf and "SameSite" in csrf
    _, tokens, _ = stack.authorized(client=client)
    response = stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


def test_a_hostile_client_name_is_shown_escaped(oauth_stack):
    stack = oauth_stack
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client = stack.register(name=name)
    _, challenge = pkce()
    page = stack.get(stack.authorize_url(client, challenge))
    assert page.status_code == 200
    assert "<script>" not in page.text and "<img" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


def _seal_cookie(key, clients, exp, name="mcp-approved"):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = b"\x01" * 12
    plain = json.dumps({"clients": clients, "exp": exp}).encode()
    return b64url(nonce + AESGCM(key).encrypt(nonce, plain, name.encode()))


def test_only_a_genuine_unexpired_approval_cookie_skips_the_page(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    with stack.http() as browser:
        url, fields = _approval_page(stack, browser, client)
        approved = browser.post(stack.url + "/authorize", data=dict(fields, action="approve"))
        assert approved.status_code == 302 and approved.headers["location"].startswith(stack.sandbox)
        cookie = browser.cookies.get("mcp-approved")
        assert cookie
        stack.remember("cookie mcp-approved", cookie)
        set_cookie = approved.headers["set-cookie"]
        assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    _, challenge = pkce()
    url = stack.authorize_url(client, challenge)

    def authorize_with(value):
        return stack.get(url, headers={"Cookie": "mcp-approved=" + value})

    skipped = authorize_with(cookie)
    assert skipped.status_code == 302 and skipped.headers["location"].startswith(stack.sandbox + "/v1/oauth/")
    key = derive_key(stack.cookie_key, "approval-cookie v1")
    middle = len(cookie) // 2
    forgeries = {
        "a flipped character": cookie[:middle] + ("A" if cookie[middle] != "A" else "B") + cookie[middle + 1:],
        "a truncated value": cookie[:-4],
        "sealed with another key": _seal_cookie(b"\x07" * 32, [client["client_id"]], int(time.time()) + 600),
        "expired": _seal_cookie(key, [client["client_id"]], int(time.time()) - 5),
        "sealed for another cookie name": _seal_cookie(key, [client["client_id"]], int(time.time()) + 600,
                                                       name="mcp-csrf"),
        "another client's approval": _seal_cookie(key, ["another-client"], int(time.time()) + 600),
    }
    for why, value in forgeries.items():
        shown = authorize_with(value)
        assert shown.status_code == 200 and 'id="approval-form"' in shown.text, f"{why}: {shown.status_code}"


# MARK: Audience, expiry, revocation, rotation


def test_a_token_for_another_audience_is_refused(oauth_stack):
    stack = oauth_stack
    client, tokens, _ = stack.authorized(resource=stack.url + "/sse")
    refused = stack.mcp_post(tokens["access_token"], "/mcp")
    _refused(refused, 401, "invalid_token", leaked=[tokens["access_token"]])
    challenge = refused.headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
    assert "resource_metadata=" in challenge
    # A resource that is not ours is refused at /authorize (back to the client) ...
    _, pkce_challenge = pkce()
    response = stack.get(stack.authorize_url(client, pkce_challenge, resource="https://evil.example/mcp"))
    _redirected_error(response, "invalid_target")
    # ... and a token request may not change the resource the user approved.
    code, verifier = _code(stack, client)
    swapped = stack.token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                          code_verifier=verifier, resource=stack.url + "/sse")
    _refused(swapped, 400, "invalid_target", leaked=[code])
    refresh = stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"],
                          resource=stack.url + "/mcp")
    _refused(refresh, 400, "invalid_target", leaked=[tokens["refresh_token"]])


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
    _refused(expired, 401, "invalid_token", leaked=[access])
    assert "expired" in expired.json()["error_description"]

    _, tokens, _ = stack.authorized(client=client)
    access = tokens["access_token"]
    assert stack.mcp_post(access).status_code == 200
    assert stack.revoke(client, access).status_code == 200
    _refused(stack.mcp_post(access), 401, "invalid_token", leaked=[access])
    # Revoking the access token leaves the grant: the refresh token still works.
    refreshed = stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    # Revoking the refresh token ends the grant: its refresh and every access token die.
    live = refreshed.json()
    assert stack.revoke(client, live["refresh_token"]).status_code == 200
    _refused(stack.mcp_post(live["access_token"]), 401, "invalid_token")
    _refused(stack.token(client, grant_type="refresh_token", refresh_token=live["refresh_token"]), 400,
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
        _refused(refresh(dead), 400, "invalid_grant", leaked=[dead])
    r4 = used.json()["refresh_token"]
    assert refresh(r4).status_code == 200
    _refused(refresh(r3), 400, "invalid_grant", leaked=[r3])
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
    _refused(stack.mcp_post(tokens["access_token"]), 401, "invalid_token")
    _refused(stack.token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]), 400,
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
        _refused(stack.token(client, grant_type="refresh_token", refresh_token=loser), 400, "invalid_grant")
    assert stack.token(client, grant_type="refresh_token", refresh_token=winners[0]).status_code == 200


# MARK: Where tokens may travel


def test_tokens_in_the_query_string_are_refused(oauth_stack):
    stack = oauth_stack
    _, tokens, _ = stack.authorized()
    access = tokens["access_token"]
    for path in ("/mcp?access_token=" + access, "/sse?access_token=" + access):
        no_header = stack.post(path, json={}, headers={"Accept": "application/json, text/event-stream"})
        _refused(no_header, 400, "invalid_request", leaked=[access])
        assert "query" in no_header.json()["error_description"]
    both = stack.mcp_post(access, "/mcp?access_token=" + access)
    _refused(both, 400, "invalid_request", leaked=[access])
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
    _refused(stack.mcp_post("not-a-token"), 401, "invalid_token")
    _refused(stack.post("/mcp", json={}, headers={"Authorization": "Basic dXNlcjpwYXNz"}), 400, "invalid_request")


def test_the_auth_endpoints_rate_limit_each_address(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    limited = None
    with stack.http() as one_address:
        for _ in range(60):
            response = one_address.post(stack.url + "/token", data={
                "grant_type": "refresh_token", "refresh_token": "x", "client_id": client["client_id"]})
            if response.status_code == 429:
                limited = response
                break
            assert response.status_code in (400, 401), response.text
    assert limited is not None, "60 token requests from one address were never limited"
    _refused(limited, 429, "rate_limited")
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
    _refused(response, 403, "insufficient_scope", leaked=[tokens["access_token"]])
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and "trade" in challenge.split('scope="')[1].split('"')[0]
