"""Pages that no journey visits, in a real Chromium, under their Content-Security-Policy.

The `page` fixture fails a test when Chromium reports any violation; here the API page must also
draw Swagger UI from our own files (a blocked script would leave it empty).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import track_csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.committed]


def _workspace_url(live_server_url: str, slug: str = "alpha") -> str:
    return live_server_url.replace("://localhost", f"://{slug}.localhost")


def test_the_api_page_draws_swagger_ui_without_breaking_the_policy(page: Page, live_server_url: str):
    page.goto(_workspace_url(live_server_url) + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Guanxi API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_landing_login_and_reset_pages_keep_the_policy(page: Page, live_server_url: str):
    page.goto(live_server_url + "/")
    expect(page.locator("body")).to_be_visible()
    page.goto(_workspace_url(live_server_url) + "/login/")
    expect(page.get_by_test_id("login-form")).to_be_visible()
    page.goto(_workspace_url(live_server_url) + "/password/reset/")
    expect(page.locator("form.stack")).to_be_visible()


def test_the_guard_sees_an_injected_handler(browser, committed_db, live_server_url: str):
    """The check of the fixtures works: markup with an inline handler, put into a page, is reported."""
    context = browser.new_context()
    violations = track_csp_violations(context)
    try:
        page = context.new_page()
        page.goto(_workspace_url(live_server_url) + "/login/")
        with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
            page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\" "
                          "onerror=\"document.title = 1\">')")
        assert page.title() != "1"
        assert any("script-src" in violation for violation in violations), violations
    finally:
        context.close()
