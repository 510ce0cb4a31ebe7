"""No secret in any log line of the whole OAuth stack, nor in clear in its KV data files.

Runs after every other test of the session (the `oauth_log_scan` marker; see conftest.py): every
secret the OAuth tests saw was collected in `oauth_stack.secrets` (our access and refresh tokens,
authorization codes, client secrets, PKCE verifiers, cookies and CSRF values, Schwab's codes and
tokens, the cookie encryption key and the keys derived from it, the sandbox's app secret and admin
token), and the full account numbers and hashes of the signed-in user (only `...123` may show). The stack is stopped, so every child's last lines are in the log the supervisor relayed,
and each line is searched for each secret, raw and percent-encoded.
"""

import os
from urllib.parse import quote

import pytest

# Kinds the session must have collected for the scan to mean something.
REQUIRED = ["access token", "refresh token", "authorization code", "client secret", "pkce verifier",
            "cookie encryption key", "schwab authorization code", "schwab access token", "schwab refresh token",
            "sandbox app secret", "account number", "account hash"]
# What may never be stored in clear in KV (tokens and codes are kept as hashes, Schwab's encrypted).
NEVER_STORED = ["access token", "refresh token", "authorization code", "client secret", "pkce verifier",
                "schwab access token", "schwab refresh token", "cookie encryption key", "derived key"]


def _forms(value):
    return {value, quote(value, safe=""), quote(value, safe="/:")}


def _redact(line, value):
    return line.replace(value, "<" + str(len(value)) + " chars>")[:300]


@pytest.mark.oauth_log_scan
def test_no_secret_in_any_log_line_or_in_clear_in_kv(oauth_stack):
    stack = oauth_stack
    # A sign-in of its own, so the scan has every kind to look for even when it runs alone.
    client, tokens, _ = stack.authorized()
    assert stack.mcp_post(tokens["access_token"]).status_code == 200
    stack.schwab_accounts(stack.sandbox_users()["alex"]["schwabClientCorrelId"])
    missing = [kind for kind in REQUIRED if kind not in stack.secrets]
    assert not missing, f"the tests collected no {missing}: the scan would prove nothing"

    stack.stop()
    lines = stack.log_text().splitlines()
    assert len(lines) > 20 and any('"logger":"oauth' in line for line in lines), "the stack logged nothing of OAuth"
    leaks = []
    for kind, values in sorted(stack.secrets.items()):
        for value in values:
            if len(value) < 8:
                continue
            for form in _forms(value):
                for number, line in enumerate(lines, 1):
                    if form in line:
                        leaks.append(f"{kind} in log line {number}: {_redact(line, form)}")
    assert not leaks, f"{len(leaks)} secret(s) in the logs:\n" + "\n".join(leaks[:20])

    stored = b""
    for folder, _, files in os.walk(stack.data_dir):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                stored += f.read()
    assert stored, "no KV data files"
    in_clear = [kind for kind in NEVER_STORED for value in stack.secrets.get(kind, ())
                if len(value) >= 8 and value.encode() in stored]
    assert not in_clear, f"stored in clear in KV: {sorted(set(in_clear))}"
