"""A new workspace owner works a deal in a real Chromium: account and deal through the forms, then
the board — a real HTML5 drag to the next column, the "Move to" menu, a refused move — and the stage
change on the account's timeline.

Set GUANXI_SCREENSHOTS=/some/dir to also save desktop and phone (390x844) screenshots of the board
and the account page.
"""

from __future__ import annotations

import os
import re
import secrets
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import track_csp_violations
from tests.factories import PASSWORD, drop_workspace

pytestmark = [pytest.mark.browser, pytest.mark.committed]

ACCOUNT, DEAL = "Hangzhou Example Technology Co., Ltd.", "Annual framework contract"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _on_the_test_database() -> None:
    """pytest-django creates the test database only when some selected test uses `db` (committed_db and
    our own live server do not count): alone, this test would sign up on the development database."""
    from django.db import connection

    if connection.settings_dict["NAME"] != connection.settings_dict["TEST"]["NAME"]:
        pytest.fail("Not on the test database: run this together with a test that uses `db`, e.g. the whole "
                    "file (test_board_asks_anonymous_visitors_to_log_in uses it).")


def test_board_asks_anonymous_visitors_to_log_in(client_alpha):
    """Also makes any session that collects this file create the test database (see above)."""
    response = client_alpha.get("/deals/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.fixture
def workspace(committed_db):
    """A fresh English workspace made through the real signup; removed afterwards, whatever happens."""
    from tenants.services import tenant_signup

    _on_the_test_database()
    slug = f"board-{secrets.token_hex(3)}"
    email = f"owner@{slug}.test"
    try:
        tenant_signup(company_name="Board Journey Ltd", workspace=slug, name="Bo Ard", email=email,
                      password=PASSWORD, language="en")
        yield slug, email
    finally:
        drop_workspace(slug)


@pytest.fixture
def en_page(browser, committed_db):
    context = browser.new_context(locale="en", viewport=DESKTOP)
    violations = track_csp_violations(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert violations == [], "the pages broke their Content-Security-Policy"


def _cards(page: Page, stage: str):
    return page.get_by_test_id(f"column-{stage}").get_by_test_id("deal-card")


def _screenshots(page: Page, name: str) -> None:
    folder = os.environ.get("GUANXI_SCREENSHOTS")
    if not folder:
        return
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=os.path.join(folder, f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=os.path.join(folder, f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_deal_board_journey(en_page: Page, live_server_url: str, workspace):
    page = en_page
    slug, email = workspace
    base = f"http://{slug}.localhost:{urlsplit(live_server_url).port}"

    # the owner logs in
    page.goto(base + "/login/")
    form = page.get_by_test_id("login-form")
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("my-role")).to_have_text("Owner")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # creates an account through the form: first with a bad phone (shown next to the field), then fixed
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("new-account").click()
    form = page.get_by_test_id("account-form")
    form.locator("[name=name]").fill(ACCOUNT)
    form.locator("[name=phones]").fill("12")
    page.get_by_test_id("save").click()
    expect(page.locator('.field-error[data-error-for="phones"]')).to_contain_text("not a valid phone number")
    form.locator("[name=phones]").fill("138 1234 5678")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("account-name")).to_have_text(ACCOUNT)
    account_url = page.url
    assert re.search(r"/accounts/\d+/$", account_url)
    expect(page.get_by_test_id("profile")).to_contain_text("138****5678")

    # creates a deal for it through the form (opened from the account page, so the account is chosen)
    page.get_by_test_id("new-deal").click()
    form = page.get_by_test_id("deal-form")
    expect(form.locator("[name=account] option:checked")).to_have_text(ACCOUNT)
    form.locator("[name=name]").fill(DEAL)
    form.locator("[name=amount]").fill("120000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("deal-stage")).to_have_text("Initial contact")

    # opens the board: the card sits in the first column
    page.get_by_test_id("nav-deals").click()
    expect(page.get_by_test_id("deal-board")).to_be_visible()
    card = _cards(page, "initial_contact").filter(has_text=DEAL)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(ACCOUNT)
    expect(card).to_contain_text("CNY 120,000.00")
    expect(card).to_contain_text("Bo Ard")
    expect(card.locator(".move-submit")).to_be_hidden()  # the script took over the "Move" button

    # drags it (real HTML5 drag events from Chromium's mouse) onto the next column
    with page.expect_response(lambda r: r.url.endswith("/move/") and r.request.method == "POST") as moved:
        card.drag_to(page.get_by_test_id("column-needs_analysis"))
    assert moved.value.status == 200
    assert "needs_analysis" in (moved.value.request.post_data or "")
    expect(_cards(page, "needs_analysis").filter(has_text=DEAL)).to_have_count(1)
    expect(_cards(page, "initial_contact")).to_have_count(0)
    expect(page.get_by_test_id("column-needs_analysis").get_by_test_id("column-total")).to_have_text("CNY 120,000.00")
    expect(page.get_by_test_id("board-alert")).to_be_hidden()

    # after a reload it is still in the new column: the move was saved
    page.reload()
    expect(_cards(page, "needs_analysis").filter(has_text=DEAL)).to_have_count(1)
    expect(_cards(page, "initial_contact")).to_have_count(0)
    _screenshots(page, "board")

    # on a phone the columns scroll sideways inside the board; the page itself does not
    page.set_viewport_size(PHONE)
    assert page.locator("[data-board-columns]").evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)

    # a move the service refuses: the card goes back and the reason is shown in the alert
    card = _cards(page, "needs_analysis").filter(has_text=DEAL)
    card.locator("select[name=stage]").evaluate(
        "select => select.add(new Option('Tampered', 'no_such_stage'))")
    with page.expect_response(lambda r: r.url.endswith("/move/")) as refused:
        card.locator("select[name=stage]").select_option("no_such_stage")
    assert refused.value.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Unknown stage “no_such_stage”")
    expect(_cards(page, "needs_analysis").filter(has_text=DEAL)).to_have_count(1)
    expect(card.locator("select[name=stage]")).to_have_value("needs_analysis")

    # the keyboard / phone way: the card's "Move to" menu
    with page.expect_response(lambda r: r.url.endswith("/move/")) as menu_move:
        card.locator("select[name=stage]").select_option("proposal")
    assert menu_move.value.status == 200
    expect(_cards(page, "proposal").filter(has_text=DEAL)).to_have_count(1)
    expect(page.get_by_test_id("board-alert")).to_be_hidden()

    # the account page shows the stage changes on its timeline, newest first
    page.goto(account_url)
    changes = page.get_by_test_id("timeline").get_by_test_id("stage-change")
    expect(changes).to_have_text(["Needs analysis → Proposal", "Initial contact → Needs analysis",
                                  "— → Initial contact"])
    expect(page.get_by_test_id("open-total")).to_contain_text("CNY 120,000.00")

    # and reveals the phone number (an audited htmx POST)
    page.get_by_test_id("reveal-phones").click()
    expect(page.get_by_test_id("revealed-phones")).to_have_text("+86 138 1234 5678")
    _screenshots(page, "account")
