"""Shared plumbing for the sandbox's Python tests: start the real binary, log in like a browser.

Everything here talks to the sandbox over real HTTP with Python's standard library only, so the
OAuth flow is checked by a client that shares no code with the server.
"""

import base64
import html.parser
import json
import os
import pathlib
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("SCHWAB_MCP_BIN", str(REPO / ".build" / "debug" / "schwab-mcp"))
ADMIN_TOKEN = "test-admin-token"
CLIENT_ID = "sandbox-app"
CLIENT_SECRET = "sandbox-secret"
REDIRECT_URI = "http://127.0.0.1:1/callback"


class Sandbox:
    """A running `schwab-mcp sandbox` child on a kernel-chosen port; stop() kills it by pid."""

    def __init__(self, *extra):
        self.log = tempfile.NamedTemporaryFile(prefix="sandbox-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [BINARY, "sandbox", "--port", "0", "--admin-token", ADMIN_TOKEN, *extra],
            stdout=subprocess.DEVNULL, stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        self.port = None
        while time.time() < deadline and self.port is None:
            if self.process.poll() is not None:
                raise RuntimeError("sandbox exited early: " + pathlib.Path(self.log.name).read_text())
            for line in pathlib.Path(self.log.name).read_text().splitlines():
                if '"sandbox ready"' in line:
                    self.port = json.loads(line)["port"]
            time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("sandbox did not report its port")
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log.name)

    def request(self, method, path, token=None, body=None, headers=None):
        """(status, headers, parsed JSON or raw text) of one request; never raises on 4xx/5xx."""
        data = None
        all_headers = {"Accept": "application/json"}
        if token:
            all_headers["Authorization"] = "Bearer " + token
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with NO_REDIRECTS.open(req, timeout=60) as response:
                return response.status, response.headers, decode(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, decode(error.read())

    def admin(self, method, path, body=None):
        return self.request(method, path, token=ADMIN_TOKEN, body=body)

    def login(self, user=None, pkce=None):
        """Does the browser part of the OAuth flow; returns the code from the callback URL."""
        query = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "state": "st-42"}
        if pkce:
            query.update(pkce)
        location = urllib.parse.urlparse(self.authorize(query, user))
        assert location.scheme + "://" + location.netloc + location.path == REDIRECT_URI
        params = urllib.parse.parse_qs(location.query)
        assert params["state"] == ["st-42"]
        return params["code"][0]

    def authorize(self, query, user=None):
        """Opens the login page for an authorize `query` (a dict, or a client's own query string),
        submits it like a browser, and returns the callback URL the sandbox redirects to."""
        text = query if isinstance(query, str) else urllib.parse.urlencode(query)
        status, _, page = self.request("GET", "/v1/oauth/authorize?" + text)
        assert status == 200, page
        form = FormReader()
        form.feed(page)
        fields = dict(form.fields)
        if user:
            fields["login"] = user
        status, headers, _ = self.request(
            "POST", form.action, body=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, status
        return headers["Location"]

    def token(self, form, secret=CLIENT_SECRET):
        basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
        return self.request(
            "POST", "/v1/oauth/token", body=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic " + basic})

    def access_token(self, user=None):
        code = self.login(user)
        status, _, tokens = self.token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
        assert status == 200, tokens
        return tokens["access_token"]


def decode(raw):
    text = raw.decode()
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


class FormReader(html.parser.HTMLParser):
    """Collects the login form's action and the values a browser would submit as they are."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("name"):
            if a.get("type") == "radio" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))
