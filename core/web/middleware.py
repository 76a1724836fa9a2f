"""A web page's query string with a NUL character answers 400 instead of reaching a query.

PostgreSQL refuses NUL in text, and the list pages pass their filters and search words to queries
(`/accounts/?q=%00` was a 500). The API checks its own query strings after authentication, in the
user's language and the error shape (core.api.base.CheckedQueryMixin); this covers the web pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.api.inputs import query_problems


class QueryStringMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and query_problems(request.GET.lists()):
            return render(request, "400.html", status=400)
        return self.get_response(request)
