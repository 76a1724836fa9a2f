"""The API's only request parser: JSON, checked once for the values no field can take.

DRF's JSON parser reads the body through `request.body`, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds
it (core.api.errors answers 413). Then every value of the document is checked here, before any view or
service sees it: a NUL character, an integer beyond bigint or a non-finite number anywhere in the body
is a 400 naming its JSON path (core.api.inputs), instead of a database error deep in a service.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers

from .errors import ApplicationError
from .inputs import json_problems


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except (parsers.ParseError, RecursionError):
            raise ApplicationError(_("The request body is not valid JSON."), code="invalid_json") from None
        problems = json_problems(data)
        if problems:
            raise ApplicationError(_("Some fields are not valid."), code="validation_error", fields=problems)
        return data
