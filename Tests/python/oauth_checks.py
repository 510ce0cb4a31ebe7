"""Checks shared by the OAuth attack tests (test_oauth_attacks_*.py)."""

import json
from urllib.parse import parse_qs, urlsplit

from oauth_walk import REDIRECT, HeadlessBrowser
from oauth_support import pkce


def refused(response, status, error=None, leaked=()):
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


def redirected_error(response, error, state="st-1", redirect=REDIRECT):
    """A refusal sent back to the client's registered redirect URI with error, state and iss."""
    assert response.status_code == 302, response.text[:500]
    location = response.headers["location"]
    assert location.startswith(redirect + "?"), location
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["error"] == error and query.get("state") == state and query["iss"]
    assert "code" not in query
    return query


def code_for(stack, client, resource=None, redirect=REDIRECT):
    """An authorization code (and its verifier) from a full walk, not yet exchanged."""
    verifier, challenge = pkce()
    stack.remember("pkce verifier", verifier)
    final = HeadlessBrowser(stack, redirect).run(
        stack.authorize_url(client, challenge, redirect_uri=redirect, resource=resource))
    assert final.get("code"), final
    return final["code"], verifier


def walk_to_callback(stack, client):
    """Walks to Schwab's redirect back to our /callback and stops there: its URL and query."""
    verifier, challenge = pkce()
    final = HeadlessBrowser(stack, stack.url + "/callback").run(stack.authorize_url(client, challenge))
    return final["url"], final


def new_keys(stack, prefix, before):
    return set(stack.kv_keys(prefix)) - before
