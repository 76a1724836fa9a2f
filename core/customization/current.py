"""The configuration in force in the current workspace, compiled once per version and process.

`current_config()` costs one indexed query per request (the newest version's number and id), memoized
on the connection until the request or task ends; the compiled form — field validators, pipelines —
is kept per (schema, version row) in a bounded process-wide cache. A version saved by one web worker is
therefore seen by every other worker and Celery process at its next request or task, and nothing is
compiled twice. Version 0 (no row yet) is the built-in default document.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import connection

from core.customization.pipelines import NEW_BUSINESS_SPEC, Pipeline, build_pipeline
from core.entities.registry import registry

from .compiled import CompiledFields, compile_fields

CACHE_SIZE = 512
DEFAULT_SETTINGS: dict[str, Any] = {
    "default_currency": "CNY", "time_zone": "Asia/Shanghai", "language": "zh-hans",
    "fiscal_year_start_month": 1, "pool": {"max_owned_accounts": 0},
}


def entities() -> list[str]:
    """The keys of the entities that have custom fields (the entity registry's customizable ones)."""
    return [entity.key for entity in registry.customizable()]


def default_document() -> dict[str, Any]:
    """Version 0 of every workspace: no custom fields, the new-business pipeline."""
    return copy.deepcopy({"format": 1, "settings": DEFAULT_SETTINGS, "custom_fields": {},
                          "pipelines": [NEW_BUSINESS_SPEC], "approval_workflows": [], "automations": [],
                          "plugins": {}})


@dataclass
class CompiledConfig:
    """One version of a workspace's configuration, ready to use (immutable once built)."""

    number: int
    document: Mapping[str, Any]
    _fields: dict[str, CompiledFields] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    enabled_plugins: frozenset[str] | None = field(default=None, repr=False)  # core.customization.plugins

    @cached_property
    def settings(self) -> dict[str, Any]:
        return {**DEFAULT_SETTINGS, **(self.document.get("settings") or {})}

    def fields(self, entity: str) -> CompiledFields:
        """The compiled custom fields of one entity (built on first use, then shared)."""
        compiled = self._fields.get(entity)
        if compiled is None:
            with self._lock:
                compiled = self._fields.get(entity)
                if compiled is None:
                    specs = (self.document.get("custom_fields") or {}).get(entity) or []
                    compiled = compile_fields(
                        specs, region=getattr(settings, "GUANXI_PHONE_REGION", "CN"),
                        time_zone=self.settings["time_zone"], currency=self.settings["default_currency"])
                    self._fields[entity] = compiled
        return compiled

    @cached_property
    def pipelines(self) -> dict[str, Pipeline]:
        specs = self.document.get("pipelines") or [NEW_BUSINESS_SPEC]
        return {spec["key"]: build_pipeline(spec) for spec in specs}

    @cached_property
    def default_pipeline(self) -> Pipeline:
        candidates = [p for p in self.pipelines.values() if not p.archived]
        return next((p for p in candidates if p.default), candidates[0] if candidates else
                    next(iter(self.pipelines.values())))


_compiled: OrderedDict[tuple[str, int], CompiledConfig] = OrderedDict()
_compiled_lock = threading.Lock()
_DEFAULT_KEY = -1  # the row id of version 0, which has no row


def _latest() -> tuple[int, int]:
    """(number, row id) of the newest version in this schema; (0, -1) when there is none."""
    from .models import ConfigVersion

    # every request asks: a plain statement, without the ORM's compiler (see guanxi.rows)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, id FROM {ConfigVersion._meta.db_table} "  # noqa: S608 (model name)
                       "ORDER BY number DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, _DEFAULT_KEY)


def _memo() -> list | None:
    """[schema, number, row id, compiled or None] of the version in force on this connection."""
    memo = getattr(connection, "_guanxi_config", None)
    return memo if memo and memo[0] == connection.schema_name else None


def remember(number: int, row_id: int) -> None:
    """Make `number` the version in force for this connection (after a save committed)."""
    connection._guanxi_config = [connection.schema_name, number, row_id, None]


def forget(**_kwargs: Any) -> None:
    """A new request or task reads the version again (another process may have saved one)."""
    connection._guanxi_config = None


request_started.connect(forget, dispatch_uid="guanxi-config-forget")
try:  # Celery workers: every task starts from the version in force at that moment
    from celery.signals import task_prerun

    task_prerun.connect(forget, dispatch_uid="guanxi-config-forget-task", weak=False)
except ImportError:  # pragma: no cover - celery is a dependency
    pass


def current_version() -> int:
    memo = _memo()
    if memo is None:
        number, row_id = _latest()
        remember(number, row_id)
        return number
    return memo[1]


def compiled_version(number: int, row_id: int, document: Mapping[str, Any] | None = None) -> CompiledConfig:
    """The compiled form of one version row of this schema, from the cache or built once."""
    key = (connection.schema_name, row_id)
    with _compiled_lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
    if document is None:
        if row_id == _DEFAULT_KEY:
            document = default_document()
        else:
            from .models import ConfigVersion

            document = ConfigVersion.objects.values_list("document", flat=True).get(pk=row_id)
    built = CompiledConfig(number=number, document=document)
    with _compiled_lock:
        _compiled[key] = built
        while len(_compiled) > CACHE_SIZE:
            _compiled.popitem(last=False)
    return built


def current_config() -> CompiledConfig:
    """The workspace's configuration in force (one small query per request, compiled once per version).

    Rows of a list each ask, so the memo keeps the compiled object too: no lock after the first ask."""
    memo = _memo()
    if memo is None:
        remember(*_latest())
        memo = connection._guanxi_config
    elif memo[3] is not None:
        return memo[3]
    memo[3] = compiled_version(memo[1], memo[2])
    return memo[3]


def fields_of(entity: str) -> CompiledFields:
    return current_config().fields(entity)
