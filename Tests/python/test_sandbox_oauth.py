"""The sandbox's OAuth flow end to end with an independent client (Python's standard library):
browser login, code exchange with HTTP Basic, PKCE, refresh, lifetimes on a movable clock, and
the admin API's fault injection."""

import base64
import hashlib
import http.client
import secrets

import pytest

from test_sandbox_support import REDIRECT_URI, Sandbox


@pytest.fixture
def sandbox():
    running = Sandbox("--seed", "3")
    yield running
    running.stop()


def test_login_exchange_and_api_call(sandbox):
    code = sandbox.login()
    assert code.startswith("C0.") and code.endswith("@")  # arrives as %40, decoded exactly once
    status, headers, tokens = sandbox.token(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 1800
    status, _, preference = sandbox.request("GET", "/trader/v1/userPreference", tokens["access_token"])
    assert status == 200
    assert preference["streamerInfo"][0]["schwabClientCorrelId"]
    # The code is single-use.
    status, _, body = sandbox.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    assert status == 400 and body["error"] == "invalid_grant"


def test_demo_users_see_different_accounts(sandbox):
    seen = []
    for user in ("alex", "blair", "casey"):
        token = sandbox.access_token(user)
        status, _, numbers = sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token)
        assert status == 200 and 2 <= len(numbers) <= 3
        seen.append({n["hashValue"] for n in numbers})
    assert not (seen[0] & seen[1]) and not (seen[1] & seen[2])


@pytest.mark.parametrize("form,secret,status,error", [
    ({"grant_type": "authorization_code", "code": "C0.unknown@", "redirect_uri": REDIRECT_URI}, None, 400,
     "invalid_grant"),
    ({"grant_type": "password"}, None, 400, "unsupported_grant_type"),
    ({"grant_type": "refresh_token", "refresh_token": "nope"}, None, 400, "invalid_grant"),
    ({"grant_type": "refresh_token", "refresh_token": "nope"}, "wrong-secret", 401, "invalid_client"),
])
def test_token_errors_are_oauth_json(sandbox, form, secret, status, error):
    got, _, body = sandbox.token(form, **({"secret": secret} if secret else {}))
    assert got == status and body["error"] == error and body["error_description"]


def test_redirect_uri_must_match(sandbox):
    code = sandbox.login()
    status, _, body = sandbox.token(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:1/other"})
    assert status == 400 and body["error"] == "invalid_grant"
    status, _, page = sandbox.request(
        "GET", "/v1/oauth/authorize?response_type=code&client_id=sandbox-app&redirect_uri=https://evil.example/cb")
    assert status == 400 and "redirect_uri" in page


def test_pkce_is_verified_when_a_challenge_was_sent(sandbox):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    code = sandbox.login(pkce=pkce)
    status, _, body = sandbox.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                                     "code_verifier": "wrong-" + verifier})
    assert status == 400 and "code_verifier" in body["error_description"]
    code = sandbox.login(pkce=pkce)
    status, _, body = sandbox.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                                     "code_verifier": verifier})
    assert status == 200 and body["access_token"]


def test_access_expires_after_30_minutes_and_refresh_dies_7_days_after_login(sandbox):
    code = sandbox.login()
    _, _, tokens = sandbox.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    sandbox.admin("POST", "/admin/clock", {"advanceSeconds": 1801})
    status, _, body = sandbox.request("GET", "/trader/v1/accounts", tokens["access_token"])
    assert status == 401 and body["message"]
    for _ in range(7):  # refreshing each day does not extend the 7-day limit
        status, _, refreshed = sandbox.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
        assert status == 200
        assert sandbox.request("GET", "/trader/v1/accounts", refreshed["access_token"])[0] == 200
        sandbox.admin("POST", "/admin/clock", {"advanceSeconds": 86400})
    status, _, body = sandbox.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert status == 400 and body["error"] == "invalid_grant"


def test_admin_api_needs_its_token(sandbox):
    assert sandbox.request("POST", "/admin/clock", body={"advanceSeconds": 1})[0] == 401
    assert sandbox.request("POST", "/admin/clock", token="wrong", body={"advanceSeconds": 1})[0] == 403
    assert sandbox.admin("POST", "/admin/clock", {"advanceSeconds": -5})[0] == 400
    status, _, body = sandbox.admin("POST", "/admin/clock", {"advanceSeconds": 60})
    assert status == 200 and body["advancedSeconds"] == 60


def test_faults_answer_the_given_status_for_a_count_then_stop(sandbox):
    token = sandbox.access_token()
    status, _, _ = sandbox.admin("POST", "/admin/faults", {"pathPattern": "/trader/v1/accounts*", "status": 503,
                                                           "count": 2})
    assert status == 201
    for _ in range(2):
        status, headers, body = sandbox.request("GET", "/trader/v1/accounts", token)
        assert status == 503 and headers["Schwab-Client-CorrelId"] and body["message"]
    assert sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL", token)[0] == 200
    assert sandbox.request("GET", "/trader/v1/accounts", token)[0] == 200
    sandbox.admin("POST", "/admin/faults", {"pathPattern": "/marketdata/*", "status": 429})
    status, _, body = sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL", token)
    assert status == 429 and body["errors"][0]["status"] == "429"
    assert sandbox.admin("DELETE", "/admin/faults")[0] == 204
    assert sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL", token)[0] == 200
    assert sandbox.admin("POST", "/admin/faults", {"pathPattern": "nope", "status": 500})[0] == 400


def test_expire_tokens_forces_refresh_or_relogin(sandbox):
    code = sandbox.login()
    _, _, tokens = sandbox.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    sandbox.admin("POST", "/admin/expire-tokens", {"keepRefreshTokens": True})
    assert sandbox.request("GET", "/trader/v1/accounts", tokens["access_token"])[0] == 401
    status, _, refreshed = sandbox.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert status == 200
    sandbox.admin("POST", "/admin/expire-tokens")
    assert sandbox.request("GET", "/trader/v1/accounts", refreshed["access_token"])[0] == 401
    status, _, _ = sandbox.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert status == 400


def test_admin_mints_tokens_for_a_demo_user(sandbox):
    status, _, tokens = sandbox.admin("POST", "/admin/tokens", {"login": "blair"})
    assert status == 200 and tokens["login"] == "blair"
    status, _, preference = sandbox.request("GET", "/trader/v1/userPreference", tokens["access_token"])
    assert status == 200 and preference["accounts"][0]["nickName"] == "Brokerage"
    status, _, refreshed = sandbox.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert status == 200 and refreshed["access_token"] != tokens["access_token"]
    assert sandbox.admin("POST", "/admin/tokens", {"login": "mallory"})[0] == 400
    assert sandbox.request("POST", "/admin/tokens", body={"login": "alex"})[0] == 401


def test_latency_faults_delay_but_still_answer_and_are_counted(sandbox):
    token = sandbox.access_token()
    sandbox.admin("POST", "/admin/faults", {"pathPattern": "/marketdata/v1/quotes", "latencyMs": 50, "count": 2})
    for remaining in (1, None):
        status, headers, body = sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL", token)
        assert status == 200 and "AAPL" in body and headers["Schwab-Client-CorrelId"]
        _, _, listed = sandbox.admin("GET", "/admin/faults")
        assert [f["remaining"] for f in listed["faults"]] == ([remaining] if remaining else [])


def test_drop_faults_close_the_connection_without_an_answer(sandbox):
    token = sandbox.access_token()
    status, _, _ = sandbox.admin("POST", "/admin/faults", {"pathPattern": "/trader/v1/accounts", "drop": True,
                                                           "count": 1})
    assert status == 201
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=60)
    connection.request("GET", "/trader/v1/accounts", headers={"Authorization": "Bearer " + token})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    connection.close()
    # The count is spent: the next request is answered, and other paths never were touched.
    assert sandbox.request("GET", "/trader/v1/accounts", token)[0] == 200
    _, _, listed = sandbox.admin("GET", "/admin/faults")
    assert listed["faults"] == []
