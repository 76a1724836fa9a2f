"""The database half of "append-only": triggers that refuse UPDATE, DELETE and TRUNCATE of the audit tables.

Plain PostgreSQL and plpgsql (the embedded server has no contrib extensions). The function and the
triggers live in each workspace schema; django-tenants' schema clone copies both (a test checks that a
workspace created by signup has them). `INSTALL_SQL` is idempotent (CREATE OR REPLACE, DROP ... IF
EXISTS), so `install_append_only_triggers()` can re-apply it to any schema; when this SQL changes, add a
new migration that runs it again rather than editing 0001.

The one UPDATE let through is Django's `on_delete=SET_NULL` of a deleted user: `actor_id` turns NULL and
every other column is unchanged (`actor_label` keeps the email).
"""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

TABLES = ("audit_entry", "audit_field_change")
FUNCTION = "audit_refuse_change"

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
        USING HINT = 'Audit entries and field history can be added, never changed or deleted.';
END;
$body$;
"""


def _table_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
    ]


# One statement per item (RunSQL takes the list as is). Unqualified names: django-tenants puts the
# schema being migrated first on the search_path, so everything lands in that schema.
INSTALL_SQL: list[str] = [_FUNCTION_SQL, *(statement for table in TABLES for statement in _table_sql(table))]

REMOVE_SQL: list[str] = [
    *(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}" for table in TABLES
      for suffix in ("append_only", "no_truncate")),
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]


def install_append_only_triggers(schema_name: str) -> None:
    """(Re-)create the function and triggers in one workspace schema, e.g. after provisioning."""
    with schema_context(schema_name), connection.cursor() as cursor:
        for statement in INSTALL_SQL:
            cursor.execute(statement)


def append_only_triggers(schema_name: str) -> set[tuple[str, str]]:
    """The (table, trigger) pairs of the audit tables in a schema that call the refusing function."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgname
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc p ON p.oid = t.tgfoid
            JOIN pg_namespace pn ON pn.oid = p.pronamespace
            WHERE n.nspname = %s AND pn.nspname = %s AND p.proname = %s AND NOT t.tgisinternal
              AND t.tgenabled <> 'D'
            """,
            [schema_name, schema_name, FUNCTION],
        )
        return {(table, trigger) for table, trigger in cursor.fetchall()}


EXPECTED_TRIGGERS = frozenset(
    (table, f"{table}_{suffix}") for table in TABLES for suffix in ("append_only", "no_truncate")
)
