"""The API documentation page loads Swagger UI from our own static files, never a CDN.

A CDN script runs with the page's rights on the workspace's host (the session cookie's origin); if
the CDN serves something else, it reads and changes the workspace's data. drf-spectacular-sidecar
ships Swagger UI as static files, and the split view serves its start-up script as a file too.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.test import Client


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(values[name])
        self._in_script = tag == "script" and not values.get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_the_api_page_references_only_our_own_static_files(alpha):
    page = Client(HTTP_HOST="alpha.localhost").get("/api/v1/docs/")
    assert page.status_code == 200
    links = _Links()
    links.feed(page.content.decode())
    assert links.inline_scripts == 0
    assert links.urls, "the page links nothing: the parser is out of date"
    static = [url for url in links.urls if url.startswith("/static/")]
    others = [url for url in links.urls if not url.startswith("/static/")]
    assert {url.rsplit("/", 1)[-1] for url in static} == {
        "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}
    for url in static:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file we ship"
    assert others == ["/api/v1/docs/?script="]  # the start-up script, same origin
    script = Client(HTTP_HOST="alpha.localhost").get(others[0])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b'"validatorUrl": null' in script.content  # no badge fetched from swagger.io
    assert b"http" not in page.content.replace(b"http-equiv", b"")
