"""The Content-Security-Policy middleware: pages get the full policy (with a nonce), data answers a fixed one.

django-csp builds the policy for every response (two dataclass copies and a join each time). A JSON or
CSV answer is never run as a page, so it gets the strictest policy as one precomputed header instead:
the same protection against being framed or rendered, at no cost on the API's hot path.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase

DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
HEADER = "Content-Security-Policy"


class PageCSPMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if content_type.startswith(("application/json", "text/csv")):
            if HEADER not in response:
                response[HEADER] = DATA_POLICY
            return response
        return super().process_response(request, response)
