"""Instances from hand-written SELECTs, for the few lookups every request makes.

Each request looks up its workspace by host, its API token by digest and the configuration version in
force. Through the ORM each of these costs about 0.35 ms of CPU to compile the query and build the
objects — seven times the round trip itself (bench/api.py) and, on a list page, as much as the page's
own rows. Here the column list is derived once from the model, and the instance is built with the
same field converters the ORM applies, so the objects are indistinguishable from ORM-loaded ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@cache
def _fields(model: type[Model]) -> tuple[tuple[Field, ...], tuple[str, ...]]:
    fields = tuple(model._meta.concrete_fields)
    return fields, tuple(field.attname for field in fields)


def columns(model: type[Model], alias: str) -> str:
    """`alias."col1", alias."col2", …` for every concrete field of `model`, in `instance()` order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model)[0])


def width(model: type[Model]) -> int:
    """How many values of a row `columns(model, …)` selects."""
    return len(_fields(model)[0])


def instance(model: type[M], values: Sequence[Any]) -> M:
    """The model instance of one row selected with `columns(model, …)` (converters applied)."""
    fields, attnames = _fields(model)
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, list(attnames), converted)
