"""Real Chromium (Debian's package) driven by Playwright, against a live server on loopback.

The live server runs the real WSGI app in a thread on committed data. Chromium maps every
`*.localhost` host to 127.0.0.1, so workspace subdomains work without touching /etc/hosts.
Under CI (CI=true) a missing browser fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path() -> str | None:
    configured = os.environ.get("GUANXI_CHROMIUM")
    if configured and os.path.exists(configured):
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if shutil.which(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    with django_db_blocker.unblock():
        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
        server.set_app(get_wsgi_application())
        port = server.server_address[1]
        previous = settings.GUANXI_PUBLIC_URL
        settings.GUANXI_PUBLIC_URL = f"http://localhost:{port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://localhost:{port}"
        finally:
            server.shutdown()
            server.server_close()
            settings.GUANXI_PUBLIC_URL = previous


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Browser tests need Chromium (Debian package `chromium`); run `make browser`.")
        pytest.skip("Browser tests need Chromium: install Debian's `chromium` package (make browser).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; our own DB calls here stay synchronous
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.guanxiCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
                            + `at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def track_csp_violations(context) -> list[str]:
    """Every Content-Security-Policy violation Chromium reports in this context's pages, on any page
    navigated to: the DOM event (through a binding, so it survives navigation) and console errors."""
    violations: list[str] = []
    context.expose_binding("guanxiCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations


@pytest.fixture
def page(browser, committed_db):
    context = browser.new_context(locale="en-US")
    violations = track_csp_violations(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert violations == [], "the pages broke their Content-Security-Policy"
