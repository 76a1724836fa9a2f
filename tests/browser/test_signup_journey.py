"""A visitor signs their company up in a real Chromium, lands logged in, logs out and back in.

The journey crosses hosts: the public site (localhost) hands the new owner over to the workspace
host (`{slug}.localhost`), so cookies, CSRF and the sign-in handoff are tested as a browser sees them.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, drop_workspace

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def journey_slug(committed_db):
    """A fresh workspace address; whatever the test made under it is removed afterwards."""
    slug = f"journey-{secrets.token_hex(3)}"
    yield slug
    drop_workspace(slug)


def _fill_signup(page: Page, *, company: str, workspace: str, name: str, email: str, language: str) -> None:
    form = page.get_by_test_id("signup-form")
    form.locator("[name=company_name]").fill(company)
    form.locator("[name=workspace]").fill(workspace)
    form.locator("[name=name]").fill(name)
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(PASSWORD)
    form.locator("[name=language]").select_option(language)


def _sign_up(page: Page, live_server_url: str, *, slug: str, language: str) -> str:
    """Landing page → CTA → a rejected address → the fixed one → logged in on the workspace host."""
    company, name, email = "Journey Trading Co.", "Jo Urney", f"jo@{slug}.test"

    page.goto(live_server_url + "/")
    page.get_by_test_id("signup-cta").click()
    expect(page).to_have_url(re.compile(r"/signup/$"))

    _fill_signup(page, company=company, workspace="-bad", name=name, email=email, language=language)
    page.get_by_test_id("signup-submit").click()

    # the specific rule is named next to the workspace field, and nothing the visitor typed is lost
    error = page.locator('.field[data-field="workspace"] .field-error[data-error-for="workspace"]')
    expect(error).to_have_count(1)
    if language == "en":
        expect(error).to_contain_text("cannot start or end with a hyphen")
    # the signup page answers in the language picked in the form
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".field-error")).to_have_count(1)
    form = page.get_by_test_id("signup-form")
    expect(form.locator("[name=company_name]")).to_have_value(company)
    expect(form.locator("[name=workspace]")).to_have_value("-bad")
    expect(form.locator("[name=name]")).to_have_value(name)
    expect(form.locator("[name=email]")).to_have_value(email)
    expect(form.locator("[name=password]")).to_have_value(PASSWORD)
    expect(form.locator("[name=language]")).to_have_value(language)

    form.locator("[name=workspace]").fill(slug)
    page.get_by_test_id("signup-submit").click()

    port = urlsplit(live_server_url).port
    expect(page.get_by_test_id("my-role")).to_be_visible()
    assert urlsplit(page.url).netloc == f"{slug}.localhost:{port}"
    assert urlsplit(page.url).path == "/home/"
    return email


def _log_out_and_in(page: Page, live_server_url: str, *, slug: str, email: str) -> None:
    port = urlsplit(live_server_url).port
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert urlsplit(page.url).netloc == f"{slug}.localhost:{port}"
    assert urlsplit(page.url).path == "/login/"
    expect(page.get_by_test_id("my-role")).to_have_count(0)

    form = page.get_by_test_id("login-form")
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("my-role")).to_be_visible()
    assert urlsplit(page.url).netloc == f"{slug}.localhost:{port}"


def test_signup_journey_in_english(page: Page, live_server_url: str, journey_slug: str):
    email = _sign_up(page, live_server_url, slug=journey_slug, language="en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("my-role")).to_have_text("Owner")

    _log_out_and_in(page, live_server_url, slug=journey_slug, email=email)
    expect(page.get_by_test_id("my-role")).to_have_text("Owner")


def test_signup_journey_in_chinese(page: Page, live_server_url: str, journey_slug: str):
    """The owner chose 中文: the workspace answers in it (wording is the catalogue's business)."""
    email = _sign_up(page, live_server_url, slug=journey_slug, language="zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    _log_out_and_in(page, live_server_url, slug=journey_slug, email=email)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
