"""Expression indexes for custom fields marked `indexed` (the list filter's expression) or `unique` (the
equality the uniqueness check uses), built concurrently in one workspace's schema.

`CREATE INDEX CONCURRENTLY` cannot run inside a transaction and does not block writes, so it runs in a
Celery task after the configuration change committed (tenant-schemas-celery runs it in the schema that
queued it). Each index is named `cfx_<table>_<key>` and built on exactly the expression the list filter
uses (core.customization.filtering.sql_expression). An index of a field no longer indexed is dropped.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import connection

from .current import current_config
from .filtering import LISTS, sql_expression

logger = logging.getLogger("guanxi.customization")
PREFIX = "cfx_"


def index_name(table: str, key: str, suffix: str = "") -> str:
    name = f"{PREFIX}{table}_{key}{suffix}"
    if len(name) > 63:
        name = f"{PREFIX}{hashlib.sha1(name.encode()).hexdigest()[:20]}"  # noqa: S324 - a name, not security
    return name


def wanted_indexes() -> dict[str, str]:
    """{index name: CREATE INDEX statement} for every indexed custom field of the configuration in force."""
    from .semantic import entity_models

    config = current_config()
    schema = connection.schema_name
    wanted: dict[str, str] = {}
    for entity, model in entity_models().items():
        table = model._meta.db_table
        for field in config.fields(entity).fields:
            field_type = field.spec["type"]
            if field.spec.get("indexed"):
                name = index_name(table, field.key)
                method = "USING gin " if field_type in LISTS else ""
                wanted[name] = (f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{schema}"."{table}" '
                                f"{method}({sql_expression(field_type, field.key)})")
            if field.spec.get("unique"):
                # the uniqueness check of every write (`custom -> key = value`) reads this, not the table
                name = index_name(table, field.key, "__eq")
                quoted = field.key.replace("'", "''")
                wanted[name] = (f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{schema}"."{table}" '
                                f"((custom -> '{quoted}'))")
    return wanted


def existing_indexes() -> dict[str, bool]:
    """{index name: valid} of the custom field indexes in this schema."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, i.indisvalid FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relname LIKE %s""", [connection.schema_name, PREFIX + "%"])
        return dict(cursor.fetchall())


def sync_indexes() -> list[str]:
    """Create missing (or invalid, after an interrupted build) indexes and drop unwanted ones; autocommit."""
    wanted = wanted_indexes()
    existing = existing_indexes()
    schema = connection.schema_name
    done: list[str] = []
    with connection.cursor() as cursor:
        for name, valid in existing.items():
            if name not in wanted or not valid:
                cursor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."{name}"')
        for name, statement in wanted.items():
            if existing.get(name) is not True:
                cursor.execute(statement)
                done.append(name)
    return done


def schedule_indexes() -> None:
    """After a configuration change committed: build the indexes in the background (this schema only)."""
    from .tasks import sync_custom_field_indexes

    try:
        sync_custom_field_indexes.delay()
    except Exception:  # a broker outage must not undo a saved configuration; the next save retries
        logger.exception("could not queue the custom field index build")
