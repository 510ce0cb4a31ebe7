"""Attacks on the way to a code, over the wire through the real router (`oauth_stack`): PKCE,
code redemption, redirect URIs and open redirects, the Schwab state at /callback, the approval
page's CSRF protection and the approval cookie.

Each is refused with the right status and error, stores nothing (no client, code or grant appears
in KV), and echoes no secret it was given. The in-process unit tests of Tests/OAuthTests check the
same rules on the pure types; these go through sockets, the router's routing and the KV service.
"""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth_checks import code_for, new_keys, redirected_error, refused, walk_to_callback
from oauth_support import b64url, derive_key, open_envelope_payload, pkce, seal_envelope, token_hash
from oauth_walk import REDIRECT, HeadlessBrowser, parse_forms


# MARK: PKCE and codes


def test_a_wrong_or_missing_pkce_verifier_is_refused_and_issues_nothing(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    code, verifier = code_for(stack, client)
    grants = set(stack.kv_keys("grant:"))
    wrong, _ = pkce()
    for form in ({"code_verifier": wrong}, {}, {"code_verifier": verifier[:-1] + ("A" if verifier[-1] != "A" else "B")}):
        response = stack.token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                               resource=stack.url + "/mcp", **form)
        refused(response, 400, "invalid_grant", leaked=[code, verifier, wrong])
    assert not new_keys(stack, "grant:", grants), "a refused exchange created a grant"


def test_plain_or_missing_pkce_is_refused_at_authorize(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    verifier, challenge = pkce()
    # (code_challenge, code_challenge_method); None leaves the parameter out.
    cases = [(verifier, "plain"), (challenge, None), (None, "S256"), ("too-short", "S256")]
    for given, method in cases:
        response = stack.get(stack.authorize_url(client, given, code_challenge_method=method))
        query = redirected_error(response, "invalid_request")
        assert "S256" in query["error_description"] or "code_challenge" in query["error_description"]


def test_a_code_is_single_use(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    code, verifier = code_for(stack, client)
    form = dict(grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier,
                resource=stack.url + "/mcp")
    first = stack.token(client, **form)
    assert first.status_code == 200, first.text
    grants = set(stack.kv_keys("grant:"))
    replay = stack.token(client, **form)
    refused(replay, 400, "invalid_grant", leaked=[code, verifier])
    assert not new_keys(stack, "grant:", grants), "the replay created a grant"
    # RFC 6749 §4.1.2: the replay revokes the grant the code produced.
    granted = first.json()["refresh_token"].split(".")[0]
    assert "grant:" + granted not in set(stack.kv_keys("grant:")), "the replay left the first grant alive"
    assert code.encode() not in (stack.kv_get("code:" + token_hash(code)) or b"")


def test_a_code_only_works_for_its_client_and_redirect_uri(oauth_stack):
    stack = oauth_stack
    client, other = stack.register(), stack.register()
    code, verifier = code_for(stack, client)
    base = dict(grant_type="authorization_code", code=code, code_verifier=verifier, resource=stack.url + "/mcp")
    refused(stack.token(other, redirect_uri=REDIRECT, **base), 400, "invalid_grant", leaked=[code])
    refused(stack.token(client, redirect_uri="http://127.0.0.1:9/other", **base), 400, "invalid_grant")
    wrong_secret = dict(client, client_secret="not-the-secret")
    refused(stack.token(wrong_secret, redirect_uri=REDIRECT, **base), 401, "invalid_client")
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
    refused(response, 400)
    assert "redirect_uri" in response.text
    assert "approval-form" not in response.text


@pytest.mark.parametrize("redirect", [r for r in EVIL_REDIRECTS if not r.startswith(("http://127.0.0.1:9/", "https://"))]
                         + ["http://evil.example/cb", "custom-scheme:/cb"])
def test_registration_refuses_unsafe_redirect_uris_and_stores_nothing(oauth_stack, redirect):
    stack = oauth_stack
    clients = set(stack.kv_keys("client:"))
    response = stack.post("/register", json={"redirect_uris": [redirect], "client_name": "evil"})
    refused(response, 400, "invalid_redirect_uri")
    assert not new_keys(stack, "client:", clients)


def test_an_unknown_client_gets_a_page_never_a_redirect(oauth_stack):
    stack = oauth_stack
    _, challenge = pkce()
    response = stack.get(stack.authorize_url({"client_id": "no-such-client"}, challenge,
                                             redirect_uri="https://evil.example/cb"))
    refused(response, 400)


# MARK: The Schwab state at /callback


def test_a_tampered_forged_expired_or_replayed_state_is_refused(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    callback, query = walk_to_callback(stack, client)
    state, code = query["state"], query["code"]
    payload = open_envelope_payload(state)
    assert payload["redirect_uri"] == REDIRECT and "code_verifier" not in payload, "the verifier travels sealed"
    codes = set(stack.kv_keys("code:"))

    def at_callback(new_state):
        return stack.get("/callback", params={"code": code, "state": new_state})

    body, mac = state.split(".")
    evil = dict(payload, redirect_uri="https://evil.example/cb")
    tampered = b64url(json.dumps(evil).encode()) + "." + mac
    refused(at_callback(tampered), 400, leaked=[code])
    refused(at_callback(body + "." + mac[:-2] + ("AA" if not mac.endswith("AA") else "BB")), 400)
    refused(at_callback(seal_envelope(evil, "schwab-state", b"\x00" * 32)), 400)
    key = derive_key(stack.cookie_key, "state-signing v1")
    # Correctly signed (only the key holder could), but for the approval form, not for Schwab.
    refused(at_callback(seal_envelope(payload, "approval", key)), 400)
    expired = at_callback(seal_envelope(dict(payload, exp=int(time.time()) - 5), "schwab-state", key))
    refused(expired, 400, leaked=[code])
    assert "expired" in expired.text
    refused(stack.get("/callback", params={"code": code}), 400)
    assert not new_keys(stack, "code:", codes), "a refused callback issued a code"

    genuine = stack.get(callback)
    assert genuine.status_code == 302 and genuine.headers["location"].startswith(REDIRECT + "?code=")
    ours = parse_qs(urlsplit(genuine.headers["location"]).query)["code"][0]
    stack.remember("authorization code", ours)
    assert new_keys(stack, "code:", codes) == {"code:" + token_hash(ours)}
    replay = stack.get(callback)
    refused(replay, 400, leaked=[code, ours])
    assert "already used" in replay.text
    assert new_keys(stack, "code:", codes) == {"code:" + token_hash(ours)}


def test_a_denial_at_schwab_goes_back_to_the_client_as_access_denied(oauth_stack):
    stack = oauth_stack
    client = stack.register()
    _, query = walk_to_callback(stack, client)
    codes = set(stack.kv_keys("code:"))
    response = stack.get("/callback", params={"state": query["state"], "error": "access_denied"})
    answer = redirected_error(response, "access_denied")
    assert answer["iss"] == stack.url
    assert not new_keys(stack, "code:", codes)


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
        refused(browser.post(stack.url + "/authorize", data=forged), 403)
        refused(browser.post(stack.url + "/authorize", data=dict(fields, action="approve", csrf_token="")), 403)
        tampered_request = dict(fields, action="approve", request=fields["request"][:-3] + "abc")
        refused(browser.post(stack.url + "/authorize", data=tampered_request), 400)
    with stack.http() as attacker:  # the genuine form fields, posted from a browser without the cookie
        refused(attacker.post(stack.url + "/authorize", data=dict(fields, action="approve")), 403)
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
