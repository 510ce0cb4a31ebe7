"""The sign-in in a real browser: Debian's Chromium, headless, driven by Selenium through
chromedriver, against `schwab-mcp up --auth oauth` (conftest's `oauth_stack`).

The browser opens /authorize for a registered client, sees our approval page (a screenshot goes to
test-artifacts/oauth/approval-page.png), clicks Approve, logs in at the sandbox as alex, and lands
on the client's loopback redirect URI with a code, `state` and `iss`; the code is exchanged with
the PKCE verifier. A second authorization in the same browser skips the approval page: the
encrypted approval cookie remembers the client.

Chromium and chromedriver come from Debian (`chromium`, `chromium-driver`, installed by
scripts/test). Without them this test fails, saying so; it is never skipped.
"""

import http.server
import os
import shutil
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth_support import REPO, pkce

ARTIFACTS = os.path.join(REPO, "test-artifacts", "oauth")


def _chromium():
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    missing = [path for path in (browser, driver) if not os.path.exists(path)]
    if missing:
        pytest.fail(f"Chromium is not installed ({', '.join(missing)} missing): "
                    "`apt-get install chromium chromium-driver` (scripts/test does it)")
    return browser, driver


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    binary, driver = _chromium()
    options = Options()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=900,900", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    # An explicit driver path: Selenium must not try to download one.
    chrome = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    chrome.set_page_load_timeout(60)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture
def receiver():
    """The client's loopback redirect receiver (RFC 8252 §7.3): records each query, says done."""
    got = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if urlsplit(self.path).path == "/callback":  # not /favicon.ico
                got.append({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
            body = b"<!doctype html><title>Signed in</title><p>You can close this window."
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback", got
    finally:
        server.shutdown()
        server.server_close()


def _wait_for_url(chrome, prefix, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(chrome, timeout).until(lambda c: c.current_url.startswith(prefix))
    return chrome.current_url


def test_a_real_browser_approves_signs_in_and_lands_on_the_redirect(oauth_stack, browser, receiver):
    from selenium.webdriver.common.by import By

    stack = oauth_stack
    redirect, received = receiver
    client = stack.register(redirect_uris=[redirect], name="Chromium e2e client")
    verifier, challenge = pkce()
    stack.remember("pkce verifier", verifier)

    browser.get(stack.authorize_url(client, challenge, redirect_uri=redirect, state="browser-state"))
    assert browser.find_element(By.ID, "client-name").text == "Chromium e2e client"
    assert browser.find_element(By.ID, "client-id").text == client["client_id"]
    assert browser.find_element(By.ID, "redirect-host").text == urlsplit(redirect).netloc
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "approval-page.png")
    assert browser.save_screenshot(shot) and os.path.getsize(shot) > 1000
    cookie_names = {c["name"] for c in browser.get_cookies()}
    assert cookie_names, "the approval page set no CSRF cookie"
    for cookie in browser.get_cookies():
        stack.remember("cookie " + cookie["name"], cookie["value"])

    browser.find_element(By.ID, "approve").click()
    _wait_for_url(browser, stack.sandbox + "/v1/oauth/authorize")
    assert "Schwab sandbox" in browser.title
    browser.find_element(By.CSS_SELECTOR, 'input[name="login"][value="alex"]').click()
    browser.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()

    # Schwab's redirect reaches our /callback, which sends the browser on to the client's receiver.
    landed = _wait_for_url(browser, redirect)
    query = {k: v[0] for k, v in parse_qs(urlsplit(landed).query).items()}
    assert received == [query] and "You can close this window" in browser.page_source
    assert query["state"] == "browser-state" and query["iss"] == stack.url and query["code"]
    stack.remember("authorization code", query["code"])
    approval = [c for c in browser.get_cookies() if "approved" in c["name"]]
    assert approval and approval[0]["httpOnly"], f"no HttpOnly approval cookie: {browser.get_cookies()}"
    for cookie in browser.get_cookies():
        stack.remember("cookie " + cookie["name"], cookie["value"])

    response = stack.token(client, grant_type="authorization_code", code=query["code"], redirect_uri=redirect,
                           code_verifier=verifier, resource=stack.url + "/mcp")
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "read"
    assert stack.mcp_post(tokens["access_token"]).status_code == 200

    # The same browser again: the approval cookie names the client, so no page, straight to Schwab.
    verifier2, challenge2 = pkce()
    browser.get(stack.authorize_url(client, challenge2, redirect_uri=redirect, state="again"))
    _wait_for_url(browser, stack.sandbox + "/v1/oauth/authorize")
    browser.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    landed = _wait_for_url(browser, redirect)
    again = {k: v[0] for k, v in parse_qs(urlsplit(landed).query).items()}
    assert again["state"] == "again" and again["code"] != query["code"]
    stack.remember("authorization code", again["code"])
    stack.remember("pkce verifier", verifier2)
    response = stack.token(client, grant_type="authorization_code", code=again["code"], redirect_uri=redirect,
                           code_verifier=verifier2, resource=stack.url + "/mcp")
    assert response.status_code == 200, response.text
