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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Case, QuerySet, Value, When
from django.db.models.functions import Cast
from django_tenants.utils import schema_context

from .cipher import PREFIX, reencrypt
from .keys import key_ring
from .registry import EncryptedColumn, encrypted_columns, token_holders

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


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def field_keys_rotate(*, schemas: Iterable[tuple[str, str]], batch_size: int = DEFAULT_BATCH_SIZE,
                      dry_run: bool = False,
                      on_column: Callable[[ColumnRotation], None] | None = None) -> list[ColumnRotation]:
    """Move every encrypted value of the given (workspace, schema) pairs to the newest key.

    The caller lists the schemas (tenants.key_rotation: the public schema, then every workspace). A
    table is visited only in a schema that has it. Encrypted columns come first, then the token holders
    other apps registered (sensitive custom values). `dry_run` only counts; `on_column` is called after
    each column, so a long run shows progress.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    newest = key_ring().newest.key_id  # a malformed ring fails here, before anything is touched
    columns = encrypted_columns()
    results = []

    def report(result: ColumnRotation) -> None:
        results.append(result)
        if on_column:
            on_column(result)

    for workspace, schema in schemas:
        tables = _tables_in(schema)
        with schema_context(schema):
            for column in columns:
                if column.table not in tables:
                    continue
                if dry_run:
                    done, pending = 0, stale_rows(column, newest_key_id=newest).count()
                else:
                    done, pending = column_rotate(column=column, batch_size=batch_size)
                report(ColumnRotation(workspace, schema, column.label, done, pending))
            for holder in token_holders():
                if holder.table not in tables:
                    continue
                done, pending = (0, holder.count_stale(newest)) if dry_run else holder.rotate(newest, batch_size)
                report(ColumnRotation(workspace, schema, holder.label, done, pending))
    return results
