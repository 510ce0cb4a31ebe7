"""pytest wiring shared by Tests/python: the OAuth stack fixture of test_oauth_*.py.

`oauth_stack` is one `schwab-mcp up --auth oauth` for the whole session (started on first use,
so the other test files never pay for it). Tests marked `oauth_log_scan` run after every other
test, because they stop the stack and scan everything it logged.
"""

import pytest

from oauth_support import Stack


def pytest_configure(config):
    config.addinivalue_line("markers", "oauth_log_scan: runs last; stops the OAuth stack and scans its logs")


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: item.get_closest_marker("oauth_log_scan") is not None)


@pytest.fixture(scope="session")
def oauth_stack():
    stack = Stack().start()
    try:
        yield stack
    finally:
        stack.cleanup()
