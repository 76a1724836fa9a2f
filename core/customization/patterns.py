"""Regular expressions written by workspace admins, run by RE2 (the `google-re2` package).

Python's `re` backtracks: a pattern such as `^(a+)+$` takes exponential time on a long value that
almost matches, so one admin could stall every web worker that validates a record. RE2 matches in
time linear in the value and refuses what it cannot do in linear time (backreferences, lookaround),
so such a pattern is refused when the configuration is saved instead of hanging a request later.
RE2's `$` matches only at the very end of the value (Python's also matches before a final newline).

Every admin-written pattern goes through `compile_pattern`; our own fixed patterns stay in `re`.
"""

from __future__ import annotations

from typing import Any

import re2
from django.utils.translation import gettext as _

MAX_PATTERN_MEMORY = 1 << 20  # bytes RE2 may use for one compiled pattern (its default is 8 MiB)

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every refused pattern to stderr
_OPTIONS.max_mem = MAX_PATTERN_MEMORY


class PatternError(ValueError):
    """An admin's pattern that RE2 cannot compile; `message` is translated, `detail` is RE2's own words."""

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.message = message
        self.detail = detail


def compile_pattern(pattern: str) -> Any:
    """The RE2 pattern object for `pattern` (it has `search`, `match`, `fullmatch` like `re`'s).

    Raises PatternError, with a message in the active language that says what RE2 does not support.
    """
    if not isinstance(pattern, str):
        raise PatternError(_("A pattern must be text."), "not a string")
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        detail = error.args[0] if error.args else ""
        detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        raise PatternError(_(
            "This regular expression cannot be used (%(detail)s). Patterns are RE2 expressions: no "
            "backreferences such as \\1 and no lookahead or lookbehind such as (?=…) or (?<!…); check "
            "brackets and escapes.") % {"detail": detail}, detail) from None
