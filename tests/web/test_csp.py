"""Every page carries a Content-Security-Policy that runs only our own files, and obeys it.

With `script-src 'self'` an injected `<script>` or `onclick=` does nothing; that only holds if our own
pages need no inline script or style either. The browser journeys (tests/browser/) report every
violation Chromium sees; these tests check the header and the HTML of the main pages without one, and
every template for inline code.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from core.customization import services as config
from core.customization.current import default_document
from core.records import services as records
from tests.factories import PASSWORD

from .conftest import login

ROOT = Path(__file__).resolve().parents[2]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


class _InlineCode(HTMLParser):
    """Collects what a strict policy would refuse: handlers, style attributes, javascript: links,
    and <script>/<style> elements without a source or the page's nonce."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not values.get("src") and values.get("nonce") != self.nonce:
            self.problems.append("<script> without src or nonce")
        if tag == "style" and (self.nonce is None or values.get("nonce") != self.nonce):
            self.problems.append("<style> without the page's nonce")


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict_page(response) -> None:
    assert response.status_code == 200, response.status_code
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"][0] == "'self'" and all(v.startswith("'nonce-") for v in policy["style-src"][1:])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    nonces = [v.removeprefix("'nonce-").removesuffix("'") for v in policy["style-src"][1:]]
    parser = _InlineCode(nonces[0] if nonces else None)
    parser.feed(response.content.decode())
    assert parser.elements > 10, "not an HTML page"
    assert parser.problems == []


@pytest.fixture
def account(team, in_alpha):
    document = default_document()
    document["custom_fields"] = {"account": [
        {"key": "tier", "type": "select", "label": {"zh-hans": "等级", "en": "Tier"},
         "options": [{"key": "gold", "label": {"zh-hans": "金", "en": "Gold"}, "color": "#d4a017"}]}]}
    document["pipelines"][0]["stages"][0]["color"] = "#3b82f6"
    config.config_save(actor=team.owner, document=document, base_version=0)
    return records.account_create(actor=team.owner, data={"name": "内容安全策略公司", "custom": {"tier": "gold"}})


def test_the_main_workspace_pages_carry_the_policy_and_no_inline_code(team, account):
    assert_strict_page(Client(HTTP_HOST="alpha.localhost").get("/login/"))
    owner = login(team.owner)
    for path in ["/home/", "/accounts/", f"/accounts/{account.pk}/", "/settings/config/",
                 "/settings/config/fields/account/", "/settings/config/fields/account/new/",
                 "/settings/config/pipelines/", "/settings/config/json/", "/settings/team/", "/deals/"]:
        assert_strict_page(owner.get(path))


def test_the_public_site_and_the_ops_console_carry_it_too(db):
    assert_strict_page(Client(HTTP_HOST="localhost").get("/"))
    assert_strict_page(Client(HTTP_HOST="localhost").get("/signup/"))
    call_command("createstaff", email="csp@provider.test", name="C Sp", password=PASSWORD, verbosity=0)
    ops = Client(HTTP_HOST="localhost")
    assert ops.post("/ops/login/", {"email": "csp@provider.test", "password": PASSWORD}).status_code == 302
    assert_strict_page(ops.get("/ops/"))


def test_the_api_page_styles_itself_only_with_the_nonce(alpha):
    page = Client(HTTP_HOST="alpha.localhost").get("/api/v1/docs/")
    assert_strict_page(page)
    assert len(_policy(page)["style-src"]) == 2  # its one <style> has a nonce, and the header names it


def test_no_template_has_inline_script_style_or_handler():
    """The pages above are samples; this reads every template, so a page no test visits is covered too."""
    problems = []
    for folder in ("core", "tenants", "plugins", "billing", "platform"):
        for template in (ROOT / folder).rglob("templates/**/*.html"):
            text = template.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), start=1):
                where = f"{template.relative_to(ROOT)}:{number}"
                if INLINE_HANDLER.search(line) or " style=" in line or "javascript:" in line:
                    problems.append(where)
                for tag in re.findall(r"<script\b[^>]*>", line):
                    if "src=" not in tag:
                        problems.append(where)
                for tag in re.findall(r"<style\b[^>]*>", line):
                    if "nonce=" not in tag:
                        problems.append(where)
    assert problems == []


def test_production_sends_hsts_for_the_workspaces_too():
    """The settings module computes HSTS from GUANXI_ENV; a subprocess reads it as production would."""
    import os
    import subprocess
    import sys

    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
           "GUANXI_DATA_DIR": str(ROOT / ".data"), "GUANXI_ENV": "production", "SECRET_KEY": "s" * 50,
           "ALLOWED_HOSTS": ".crm.example.com", "GUANXI_BASE_DOMAIN": "crm.example.com",
           "GUANXI_FIELD_KEYS": "k1:" + "A" * 43, "GUANXI_FIELD_HMAC_KEY": "B" * 43}
    code = ("import guanxi.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'][1])")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "*.crm.example.com:*"]


def test_hsts_header_on_https_requests(settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client(HTTP_HOST="localhost").get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in Client(HTTP_HOST="localhost").get("/")  # plain HTTP: never


def test_data_answers_carry_the_strict_fixed_policy(team, alpha):
    """JSON and CSV answers are never run as pages: one precomputed `default-src 'none'` policy."""
    from tests.records.conftest import api_for

    api = api_for(team.member)
    assert api.get("/api/v1/accounts")["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert api.get("/api/v1/accounts/export")["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'")
