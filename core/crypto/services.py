"""Key rotation: move every stored token to the newest key, schema by schema, column by column.

Resumable by construction: a pass selects only rows whose token is not under the newest key, so a
crash loses at most the batch in flight (its transaction rolls back) and a rerun continues where the
last one stopped. Each batch is its own transaction and skips rows that users hold locked
(`SKIP LOCKED`); those are reported as pending, and a rerun takes them. Tokens are written with
`QuerySet.update`, so no `save()` side effects run (no history, audit entries or `auto_now`).

Deploy the new ring to every process (web, worker, beat) before rotating: a process still on the old
ring keeps writing under the old key (the pass reports those rows as pending; rerun).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Case, QuerySet, Value, When
from django.db.models.functions import Cast
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Tenant

from .cipher import PREFIX, reencrypt
from .keys import key_ring
from .registry import EncryptedColumn, encrypted_columns

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class ColumnRotation:
    """What one pass did to one column in one schema."""

    workspace: str  # the workspace's slug, or "public"
    schema: str
    column: str  # app_label.model_name.field_name
    reencrypted: int
    pending: int  # still under an old key afterwards: locked rows, rows written meanwhile, or a dry run


def stale_rows(column: EncryptedColumn, *, newest_key_id: str) -> QuerySet:
    """Rows of `column` (current schema) holding a token under another key than `newest_key_id`.

    The raw column is read through a cast to plain text, so the ORM neither decrypts it nor refuses
    the lookup; the annotation `gx_raw` carries the token.
    """
    raw = Cast(column.field.attname, output_field=models.TextField())
    return (column.model._base_manager.annotate(gx_raw=raw)
            .filter(gx_raw__startswith=f"{PREFIX}:")
            .exclude(gx_raw__startswith=f"{PREFIX}:{newest_key_id}:"))


def _reencrypt(token: str, context: str) -> str:
    return reencrypt(token, context)


def column_rotate(*, column: EncryptedColumn, batch_size: int = DEFAULT_BATCH_SIZE) -> tuple[int, int]:
    """Re-encrypt one column in the current schema, batch by batch; returns (re-encrypted, pending)."""
    newest = key_ring().newest.key_id
    stale = stale_rows(column, newest_key_id=newest)
    manager = column.model._base_manager
    done = 0
    while True:
        with transaction.atomic():
            batch = list(stale.order_by("pk").select_for_update(skip_locked=True)
                         .values_list("pk", "gx_raw")[:batch_size])
            if not batch:
                break
            tokens = {pk: _reencrypt(token, column.field.encryption_context) for pk, token in batch}
            # plain-text Values: the field's own get_prep_value would encrypt the token a second time
            written = manager.filter(pk__in=tokens).update(**{column.field.attname: Case(
                *(When(pk=pk, then=Value(token, output_field=models.TextField())) for pk, token in tokens.items()),
                output_field=models.TextField())})
            if written != len(batch):
                raise RuntimeError(f"{column.label}: wrote {written} of {len(batch)} locked rows.")
        done += len(batch)
    return done, stale.count()


def _schemas() -> list[tuple[str, str]]:
    """(workspace, schema) pairs: the public schema (shared apps' tables), then every workspace.

    The template schema is skipped: it is kept empty, since cloning copies its rows into new workspaces.
    """
    public = get_public_schema_name()
    with schema_context(public):
        workspaces = list(Tenant.objects.exclude(schema_name=public).exclude(is_template=True)
                          .order_by("schema_name").values_list("slug", "schema_name"))
    return [("public", public), *workspaces]


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def field_keys_rotate(*, batch_size: int = DEFAULT_BATCH_SIZE, dry_run: bool = False,
                      on_column: Callable[[ColumnRotation], None] | None = None) -> list[ColumnRotation]:
    """Move every encrypted value of every schema to the newest key (`guanxi rotate-field-keys`).

    A table is visited only in a schema that has it (a workspace whose schema is gone is skipped).
    `dry_run` only counts. `on_column` is called after each column, so a long run shows progress.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    newest = key_ring().newest.key_id  # a malformed ring fails here, before anything is touched
    columns = encrypted_columns()
    results = []
    for workspace, schema in _schemas():
        tables = _tables_in(schema)
        with schema_context(schema):
            for column in columns:
                if column.table not in tables:
                    continue
                if dry_run:
                    done, pending = 0, stale_rows(column, newest_key_id=newest).count()
                else:
                    done, pending = column_rotate(column=column, batch_size=batch_size)
                result = ColumnRotation(workspace, schema, column.label, done, pending)
                results.append(result)
                if on_column:
                    on_column(result)
            results += _rotate_custom_values(workspace, schema, tables, newest, batch_size, dry_run, on_column)
    return results


def _rotate_custom_values(workspace: str, schema: str, tables: set[str], newest: str, batch_size: int,
                          dry_run: bool, on_column: Callable[[ColumnRotation], None] | None) -> list[ColumnRotation]:
    """Sensitive custom field values live as tokens inside the records' `custom` JSON: rotated the same way."""
    from core.customization.rotation import customizable_models, rotate_custom_values, stale_custom_rows

    results = []
    for model in customizable_models():
        if model._meta.db_table not in tables:
            continue
        if dry_run:
            done, pending = 0, stale_custom_rows(model, newest_key_id=newest).count()
        else:
            done, pending = rotate_custom_values(model, newest_key_id=newest, batch_size=batch_size)
        result = ColumnRotation(workspace, schema, f"{model._meta.label_lower}.custom", done, pending)
        results.append(result)
        if on_column:
            on_column(result)
    return results
