"""Cells of files people open in a spreadsheet (CSV exports), made safe from formula injection.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a formula,
and a leading tab or carriage return can hide such a start; a record named `=HYPERLINK("http://x")`
would then run on the computer of whoever opens the export. As OWASP recommends, such text cells get
a leading `'`, which spreadsheets read as "this is text". That includes data that merely looks like a
formula — a phone number `+8613800138000` is exported as `'+8613800138000` — because a spreadsheet
cannot tell the two apart. Numbers stay numbers: only text is changed.

Every export routes its cells through `safe_cell` (or `safe_row`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, with a leading `'` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
