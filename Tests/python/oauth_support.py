"""Shared plumbing of the OAuth end-to-end tests (Tests/python/test_oauth_*.py).

One real stack for the whole session: `schwab-mcp up --auth oauth` (kv, two session hosts, the
router with the OAuth endpoints, and the Schwab sandbox), on free ports in a temporary folder,
with its own COOKIE_ENCRYPTION_KEY and sandbox admin token. Every line the supervisor relays
(its own and every child's) goes to one log file, which test_oauth_logs.py scans at the end for
every secret the tests saw (`Stack.secrets`).

What is here:
- `Stack`: start/stop, URLs, the KV service through `schwab-mcp kv-cli`, the sandbox's admin API;
- `register`, `pkce`, `authorize_url`, `token`: raw OAuth calls for the attack tests;
- `derive_key`, `seal_envelope`, `open_envelope_payload`: our HKDF key derivation and signed
  envelopes, re-implemented from Sources/OAuth (OAuthKeys, SignedEnvelope) so a test can forge a
  correctly signed but expired state, as only the key holder could;
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from urllib.parse import urlencode

import httpx2

from oauth_walk import REDIRECT, HeadlessBrowser, MemoryTokenStorage, SignIn, parse_forms

# Other test files import these from here (test_trading_stack.py does): kept as public names.
__all__ = ["REDIRECT", "HeadlessBrowser", "MemoryTokenStorage", "SignIn", "parse_forms", "Stack", "pkce",
           "derive_key", "seal_envelope", "open_envelope_payload", "token_hash", "b64url", "free_port"]

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NAMESPACE = "OAUTH_KV"


_HANDED_OUT = set()


def free_port():
    """A loopback port free a moment ago, never one this process handed out before (the kernel
    can give the same free port to two calls in a row: router and sandbox would then collide)."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    return port


def binary_path():
    """SCHWAB_MCP_BIN (scripts/test sets it), else the debug build; a clear failure otherwise."""
    path = os.environ.get("SCHWAB_MCP_BIN") or os.path.join(REPO, ".build", "debug", "schwab-mcp")
    if not os.path.exists(path):
        raise AssertionError(
            f"no schwab-mcp binary at {path}: run `swift build` first, or set SCHWAB_MCP_BIN")
    return path


# MARK: Keys and signed envelopes (Sources/OAuth/OAuthKeys.swift, SignedEnvelope.swift)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def derive_key(secret, info):
    """HKDF-SHA256 (RFC 5869) of COOKIE_ENCRYPTION_KEY, salt "schwab-mcp oauth", 32 bytes."""
    prk = hmac.new(b"schwab-mcp oauth", secret.encode(), hashlib.sha256).digest()
    return hmac.new(prk, info.encode() + b"\x01", hashlib.sha256).digest()


def open_envelope_payload(token):
    """The JSON payload of a signed envelope, without checking anything."""
    return json.loads(b64url_decode(token.split(".")[0]))


def seal_envelope(payload, purpose, key):
    """`base64url(JSON) "." base64url(HMAC-SHA256(purpose "." body))`, as the server signs."""
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(key, (purpose + "." + body).encode(), hashlib.sha256).digest()
    return body + "." + b64url(mac)


def token_hash(token):
    """How the server keys tokens and codes in KV: base64url(SHA-256)."""
    return b64url(hashlib.sha256(token.encode()).digest())


# MARK: PKCE and raw OAuth calls


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge


# MARK: The stack


class Stack:
    """`schwab-mcp up --auth oauth` with the sandbox, in a temporary folder; stopped by pid."""

    def __init__(self):
        self.binary = binary_path()
        self.folder = tempfile.mkdtemp(prefix="oauth-e2e-")
        self.port = free_port()
        self.sandbox_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sandbox = f"http://127.0.0.1:{self.sandbox_port}"
        self.log_path = os.path.join(self.folder, "up.log")
        self.data_dir = os.path.join(self.folder, "data")
        self.socket_dir = os.path.join(self.folder, "s")
        self.cookie_key = secrets.token_hex(32)
        self.admin_token = secrets.token_urlsafe(24)
        # kind -> set of values that must never appear in a log line (see test_oauth_logs.py)
        self.secrets = {}
        self.remember("cookie encryption key", self.cookie_key)
        self.remember("sandbox admin token", self.admin_token)
        self.remember("sandbox app secret", "sandbox-secret")
        for info in ("approval-cookie v1", "state-signing v1", "csrf v1", "state-verifier v1",
                     "schwab-tokens-at-rest v1"):
            key = derive_key(self.cookie_key, info)
            self.remember("derived key", key.hex())
            self.remember("derived key", b64url(key))
        self.child = None
        self.stopped = False
        self._peer = 1

    def address(self):
        """A fresh loopback source address (127.0.0.2 ... 127.0.0.250, then round again).

        The auth endpoints rate-limit per client IP (30 requests, 30 a minute): each helper call
        comes from its own address so the suite's own traffic is never limited, except where a test
        means to be (test_oauth_attacks_tokens.py's rate-limit test uses one address on purpose)."""
        self._peer = self._peer % 249 + 1
        return f"127.0.0.{self._peer + 1}"

    def http(self, address=None, **kwargs):
        """A synchronous client from `address` (default: a fresh one); never follows redirects."""
        transport = httpx2.HTTPTransport(local_address=address or self.address())
        return httpx2.Client(transport=transport, follow_redirects=False, timeout=kwargs.pop("timeout", 60), **kwargs)

    def async_http(self, **kwargs):
        transport = httpx2.AsyncHTTPTransport(local_address=self.address())
        return httpx2.AsyncClient(transport=transport, **kwargs)

    def request(self, method, path_or_url, address=None, **kwargs):
        url = path_or_url if path_or_url.startswith("http") else self.url + path_or_url
        with self.http(address) as client:
            return client.request(method, url, **kwargs)

    def get(self, path_or_url, **kwargs):
        return self.request("GET", path_or_url, **kwargs)

    def post(self, path_or_url, **kwargs):
        return self.request("POST", path_or_url, **kwargs)

    def remember(self, kind, value):
        if value:
            self.secrets.setdefault(kind, set()).add(value)

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHWAB_", "SANDBOX_", "COOKIE_"))}
        env.update(COOKIE_ENCRYPTION_KEY=self.cookie_key, SANDBOX_ADMIN_TOKEN=self.admin_token, LOG_LEVEL="debug")
        self.log = open(self.log_path, "w")
        # The folder is the working directory: no wrangler.toml or .dev.vars of a developer applies.
        self.child = subprocess.Popen(
            [self.binary, "up", "--auth", "oauth", "--hosts", "2", "--port", str(self.port),
             "--sandbox-port", str(self.sandbox_port), "--data-dir", self.data_dir,
             "--socket-dir", self.socket_dir, "--log-level", "debug"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.folder, env=env)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.child.poll() is not None:
                break
            try:
                if httpx2.get(self.url + "/health", timeout=10).json().get("live_hosts") == 2:
                    return self
            except (httpx2.HTTPError, ValueError):
                pass
            time.sleep(0.05)
        tail = self.log_text()[-4000:]
        self.stop()
        raise AssertionError("the OAuth stack did not come up:\n" + tail)

    def stop(self):
        """SIGTERM to `up` (it drains its children), then wait; idempotent."""
        if self.child is None or self.stopped:
            return
        self.stopped = True
        self.child.send_signal(signal.SIGTERM)
        try:
            self.child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait(timeout=10)
        self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    # KV through the real CLI, against the stack's own KV service.

    def kv(self, *args, check=True):
        result = subprocess.run(
            [self.binary, "kv-cli", "--socket", os.path.join(self.socket_dir, "kv.sock"), *args],
            capture_output=True, cwd=self.folder, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"kv-cli {args[0]} failed: {result.stderr.decode(errors='replace')}")
        return result

    def kv_get(self, key):
        """The raw value of `key` in OAUTH_KV, or None when absent."""
        result = self.kv("get", NAMESPACE, key, check=False)
        return result.stdout if result.returncode == 0 else None

    def kv_get_json(self, key):
        raw = self.kv_get(key)
        return None if raw is None else json.loads(raw)

    def kv_keys(self, prefix, namespace=NAMESPACE):
        listed = json.loads(self.kv("list", namespace, "--prefix", prefix).stdout)
        return [k["name"] for k in listed["keys"]]

    def kv_put_json(self, key, value, ttl=600):
        self.kv("put", NAMESPACE, key, json.dumps(value), "--ttl", str(ttl))

    def schwab_tokens(self, schwab_user_id):
        """Schwab's tokens for a user, decrypted from KV as the server does (AES-256-GCM, the
        KV key as associated data); also proves they are not stored in clear."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        name = "token:" + schwab_user_id
        sealed = self.kv_get(name)
        if sealed is None:
            return None
        key = derive_key(self.cookie_key, "schwab-tokens-at-rest v1")
        plain = AESGCM(key).decrypt(sealed[:12], sealed[12:], name.encode())
        return sealed, json.loads(plain)

    def remember_schwab_tokens(self):
        """Decrypts every Schwab token record in KV and remembers the tokens as secrets."""
        for name in self.kv_keys("token:"):
            found = self.schwab_tokens(name[len("token:"):])
            if found:
                sealed, tokens = found
                for field in ("access_token", "refresh_token", "id_token"):
                    value = tokens.get(field)
                    self.remember("schwab " + field.replace("_", " "), value)
                    assert not value or value.encode() not in sealed, "a Schwab token is stored in clear"

    def schwab_accounts(self, schwab_user_id):
        """The user's accounts as Schwab lists them (full numbers and hashes), fetched from the
        sandbox with the user's own Schwab token; remembered as secrets no log line may show."""
        _, tokens = self.schwab_tokens(schwab_user_id)
        response = self.get(self.sandbox + "/trader/v1/accounts/accountNumbers",
                            headers={"Authorization": "Bearer " + tokens["access_token"]})
        assert response.status_code == 200, response.text
        accounts = response.json()
        for account in accounts:
            self.remember("account number", account["accountNumber"])
            self.remember("account hash", account["hashValue"])
        return accounts

    # The sandbox's admin API (the token reached it through the supervisor's environment).

    def sandbox_users(self):
        response = self.get(self.sandbox + "/admin/users", headers={"Authorization": "Bearer " + self.admin_token})
        assert response.status_code == 200, response.text
        return {u["login"]: u for u in response.json()["users"]}

    # Raw OAuth calls.

    def register(self, redirect_uris=(REDIRECT,), name="e2e attack client", method="client_secret_post"):
        response = self.post("/register", json={
            "redirect_uris": list(redirect_uris), "client_name": name, "token_endpoint_auth_method": method,
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]})
        assert response.status_code == 201, response.text
        client = response.json()
        self.remember("client secret", client.get("client_secret"))
        return client

    def authorize_url(self, client, challenge, redirect_uri=REDIRECT, resource=None, state="st-1", **extra):
        params = {"response_type": "code", "client_id": client["client_id"], "redirect_uri": redirect_uri,
                  "state": state, "code_challenge": challenge, "code_challenge_method": "S256",
                  "resource": resource or self.url + "/mcp", "scope": "read"}
        params.update(extra)
        return self.url + "/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})

    def token(self, client, **form):
        body = {"client_id": client["client_id"]}
        if client.get("client_secret"):
            body["client_secret"] = client["client_secret"]
        body.update(form)
        response = self.post("/token", data=body)
        if response.status_code == 200:
            self.remember_tokens(response.json())
        return response

    def remember_tokens(self, tokens):
        self.remember("access token", tokens.get("access_token"))
        self.remember("refresh token", tokens.get("refresh_token"))

    def authorized(self, client=None, login="alex", resource=None):
        """A registered client, its tokens and the walk's record: the whole flow by raw HTTP."""
        client = client or self.register()
        verifier, challenge = pkce()
        self.remember("pkce verifier", verifier)
        walk = HeadlessBrowser(self, REDIRECT, login=login)
        final = walk.run(self.authorize_url(client, challenge, resource=resource))
        code = final["code"]
        response = self.token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                              code_verifier=verifier, resource=resource or self.url + "/mcp")
        assert response.status_code == 200, response.text
        return client, response.json(), walk

    def mcp_post(self, token, path="/mcp", headers=None, **kwargs):
        """A JSON-RPC initialize at an MCP endpoint with `token` (None: no Authorization)."""
        sent = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if token is not None:
            sent["Authorization"] = "Bearer " + token
        sent.update(headers or {})
        body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}}
        return self.post(path, json=body, headers=sent, **kwargs)

    def sse_get(self, token, path="/sse"):
        """Opens the legacy SSE stream with `token` and returns the response head only."""
        headers = {"Accept": "text/event-stream"}
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        with self.http() as client:
            # Only the head matters: a refused stream's body is read, an accepted one is closed unread.
            with client.stream("GET", self.url + path, headers=headers) as response:
                if response.status_code != 200:
                    response.read()
                return response

    def revoke(self, client, token, **extra):
        form = {"token": token, "client_id": client["client_id"], **extra}
        if client.get("client_secret"):
            form["client_secret"] = client["client_secret"]
        return self.post("/revoke", data=form)
