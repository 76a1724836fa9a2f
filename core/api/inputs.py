"""What every input must be before it reaches a service or a query: rules shared by the parsing layer
(the JSON parser, the query-string checks) and the field cleaning of the services.

PostgreSQL refuses some values Python accepts, and a refused value is a server error unless it is
caught first: a NUL character in any text, an integer beyond bigint, a time zone offset beyond ±15:59,
a time whose UTC value (or its display in a user's time zone) leaves Python's years 1–9999.
Each problem is reported as `{"path", "code", "message"}`, the field shape of core.api.errors.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

NUL = "\x00"
BIGINT_MAX = 2**63 - 1
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)
# a day inside Python's range on each side: the time must still display in any time zone (±14:00)
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)


def problem(path: str, code: str, message: str) -> dict[str, str]:
    return {"path": path, "code": code, "message": message}


def nul_problem(path: str) -> dict[str, str]:
    return problem(path, "null_characters_not_allowed", _("Null characters are not allowed."))


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _printable(key: str) -> str:
    return key.replace(NUL, "\\0")


def json_problems(data: Any, path: str = "") -> list[dict[str, str]]:
    """Every value of a parsed JSON document that no field may take: NUL characters (in keys too),
    integers beyond bigint, numbers too large to be finite. Paths are dotted, list items numbered."""
    found: list[dict[str, str]] = []
    if isinstance(data, str):
        if NUL in data:
            found.append(nul_problem(path))
    elif isinstance(data, bool) or data is None:
        pass
    elif isinstance(data, int):
        if abs(data) > BIGINT_MAX:
            found.append(problem(path, "max_value", _("This number is too large.")))
    elif isinstance(data, float):
        if not math.isfinite(data):
            found.append(problem(path, "max_value", _("This number is too large.")))
    elif isinstance(data, dict):
        for key, value in data.items():
            key_path = _join(path, _printable(str(key)))
            if NUL in str(key):
                found.append(nul_problem(key_path))
            found.extend(json_problems(value, key_path))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(json_problems(value, _join(path, str(index))))
    return found


def query_problems(params: Iterable[tuple[str, list[str]]]) -> list[dict[str, str]]:
    """NUL characters in the names or values of a query string (PostgreSQL refuses them in text)."""
    return [nul_problem(_printable(name)) for name, values in params
            if NUL in name or any(NUL in value for value in values)]


def datetime_problem(value: dt.datetime) -> str | None:
    """Why PostgreSQL (or the display in a user's time zone) cannot take this time, or None."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return _("Use a UTC offset between -15:59 and +15:59.")
    if offset is None:
        return None  # a naive time is read in a time zone later; checked again once aware
    try:
        moment = value.astimezone(dt.UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        return _("Use a time between the years 1 and 9999.")
    return None
