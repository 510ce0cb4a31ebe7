"""Signing in without a browser, for the OAuth end-to-end tests (see oauth_support.py).

- `HeadlessBrowser`: a cookie-keeping HTTP client that walks /authorize -> our approval form ->
  the sandbox's login form -> /callback -> the client's redirect URI, recording every hop and
  remembering every secret it sees in the stack's `secrets`;
- `SignIn`: the MCP client's redirect and callback handlers (a `HeadlessBrowser` walk as alex) and
  a record of the OAuth requests the client sent;
- `MemoryTokenStorage`: the `TokenStorage` of the MCP client's OAuth provider, in memory.
"""

import html.parser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import anyio
from mcp.shared.auth import AuthorizationCodeResult

REDIRECT = "http://127.0.0.1:9/cb"  # nothing listens there: the handlers stop at its Location


class _Forms(html.parser.HTMLParser):
    """The forms of a page: action, method, and the fields a browser would submit."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "id": a.get("id"), "fields": [], "buttons": []})
        elif not self.forms:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "radio" and "checked" not in a:
                return
            if a.get("name"):
                self.forms[-1]["fields"].append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))


def parse_forms(page):
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class HeadlessBrowser:
    """Walks an authorization like a browser, without a browser: follows redirects, keeps cookies,
    submits our approval form (its signed request, CSRF field and cookie) and the sandbox's login
    form (as `login`), until the Location starts with the client's redirect URI.

    `hops` records (method, url, status, location) of every request; `cookies` every cookie value
    set; the Schwab code and state are remembered as secrets in the stack.
    """

    def __init__(self, stack, redirect, login="alex", approve=True):
        self.stack = stack
        self.redirect = redirect
        self.login = login
        self.approve = approve
        self.hops = []
        self.pages = []
        self.client = stack.http(timeout=60)

    def close(self):
        self.client.close()

    def _record(self, response):
        location = response.headers.get("location")
        self.hops.append((response.request.method, str(response.request.url), response.status_code, location))
        for name, value in self.client.cookies.items():
            self.stack.remember("cookie " + name, value)
        url = str(response.request.url)
        query = parse_qs(urlsplit(url).query)
        if urlsplit(url).path == "/callback":
            for value in query.get("code", []):
                self.stack.remember("schwab authorization code", value)
        if location:
            for name in ("code",):
                for value in parse_qs(urlsplit(location).query).get(name, []):
                    self.stack.remember("authorization code", value)
        return response

    def get(self, url, **kwargs):
        return self._record(self.client.get(url, **kwargs))

    def post(self, url, data, **kwargs):
        """Posts `data` (pairs, in order, as a browser sends a form) form-encoded."""
        return self._record(self.client.post(url, content=urlencode(list(data)), headers={
            "Content-Type": "application/x-www-form-urlencoded"}, **kwargs))

    def submit(self, page_url, page):
        """Submits the one form on `page` as a person would: approve/deny on ours, log in on the sandbox's."""
        forms = parse_forms(page)
        assert len(forms) == 1, f"expected one form at {page_url}, found {len(forms)}:\n{page[:2000]}"
        form = forms[0]
        fields = list(form["fields"])
        if form["id"] == "approval-form":
            wanted = "approve" if self.approve else "deny"
            assert ("action", wanted) in form["buttons"], form["buttons"]
            assert {"request", "csrf_token"} <= {n for n, _ in fields}, fields
            fields.append(("action", wanted))
            self.stack.remember("csrf form value", dict(fields)["csrf_token"])
        else:
            fields = [(n, v) for n, v in fields if n != "login"] + [("login", self.login)]
        return self.post(urljoin(page_url, form["action"]), fields)

    def run(self, url, max_hops=12):
        """Walks from `url` to the redirect URI; returns its query (code, state, iss, error...)."""
        try:
            for _ in range(max_hops):
                if url.startswith(self.redirect):
                    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
                    query["url"] = url
                    if any(urlsplit(hop[1]).path == "/callback" for hop in self.hops):
                        self.stack.remember_schwab_tokens()
                    return query
                response = self.get(url)
                if response.status_code == 200 and "<form" in response.text:
                    self.pages.append((url, response.text))
                    response = self.submit(url, response.text)
                if response.status_code not in (301, 302, 303, 307):
                    raise AssertionError(
                        f"stopped at {response.request.method} {response.request.url}: "
                        f"{response.status_code}\n{response.text[:2000]}")
                url = urljoin(str(response.request.url), response.headers["location"])
            raise AssertionError(f"more than {max_hops} hops: {self.hops}")
        finally:
            self.close()


class SignIn:
    """The provider's redirect and callback handlers, and a record of the HTTP it sent."""

    def __init__(self, stack):
        self.stack = stack
        self.walks = []  # (authorize URL, HeadlessBrowser, final redirect query)
        self.traffic = []  # (method, path, form or None, status)

    async def on_redirect(self, url):
        walk = HeadlessBrowser(self.stack, REDIRECT, login="alex")
        final = await anyio.to_thread.run_sync(walk.run, url)
        self.walks.append((url, walk, final))

    async def on_callback(self):
        final = self.walks[-1][2]
        assert "code" in final, f"the sign-in ended without a code: {final}"
        return AuthorizationCodeResult(code=final["code"], state=final.get("state"), iss=final.get("iss"))

    async def on_request(self, request):
        form = None
        if request.method == "POST" and request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"):
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.traffic.append([request.method, request.url.path, form, None])

    async def on_response(self, response):
        self.session_id = response.headers.get("mcp-session-id") or getattr(self, "session_id", None)
        for entry in reversed(self.traffic):
            if entry[0] == response.request.method and entry[1] == response.request.url.path and entry[3] is None:
                entry[3] = response.status_code
                break

    @property
    def hooks(self):
        return {"request": [self.on_request], "response": [self.on_response]}

    def sent(self, path, grant_type=None):
        return [(form, status) for method, p, form, status in self.traffic
                if p == path and (grant_type is None or (form or {}).get("grant_type") == grant_type)]


class MemoryTokenStorage:
    """The MCP client's `TokenStorage`, in memory."""

    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info
