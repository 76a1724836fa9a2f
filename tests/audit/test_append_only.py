"""The audit log and field history can be added to, never changed or removed: by the ORM or by SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from core.audit.append_only import EXPECTED_TRIGGERS, append_only_triggers, install_append_only_triggers
from core.audit.models import AppendOnlyError, AuditEntry, FieldChange
from core.audit.services import audit_record, history_record
from core.users.models import User
from tests.factories import make_user, owner_of

from .conftest import record


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_orm_cannot_update_or_delete_an_entry(alpha):
    entry = record(alpha, action="export", entity="account", record_label="Export of all accounts")
    with schema_context(alpha.schema_name):
        entry.action = "view"
        with pytest.raises(AppendOnlyError, match="audit_entry is append-only"):
            entry.save()
        with pytest.raises(AppendOnlyError, match="audit_entry is append-only"):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="view")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).delete()
        assert list(AuditEntry.objects.filter(pk=entry.pk).values_list("action", "record_label")) == [
            ("export", "Export of all accounts")]


@pytest.mark.parametrize("sql", [
    "UPDATE audit_entry SET action = 'view' WHERE id = %s",
    "DELETE FROM audit_entry WHERE id = %s",
    # nulling the actor is allowed only when nothing else changes
    "UPDATE audit_entry SET actor_id = NULL, record_label = 'rewritten' WHERE id = %s",
])
def test_raw_sql_cannot_update_or_delete_an_entry(alpha, sql):
    owner = owner_of(alpha)
    entry = record(alpha, actor=owner, action="export", entity="account", record_label="Q3 export")
    with schema_context(alpha.schema_name):
        with pytest.raises(DatabaseError, match="audit_entry is append-only"), transaction.atomic():
            _raw(sql, [entry.pk])
        assert list(AuditEntry.objects.filter(pk=entry.pk).values_list("action", "record_label", "actor_id")) == [
            ("export", "Q3 export", owner.pk)]


def test_raw_sql_cannot_truncate_either_table(alpha):
    record(alpha, action="export", entity="account")
    with schema_context(alpha.schema_name):
        _raw("SET CONSTRAINTS ALL IMMEDIATE")  # else PostgreSQL refuses first: "pending trigger events"
        for table in ("audit_entry", "audit_field_change"):
            with pytest.raises(DatabaseError, match=f"{table} is append-only"), transaction.atomic():
                _raw(f"TRUNCATE {table}")
        assert AuditEntry.objects.filter(action="export", entity="account").count() == 1


def test_field_history_is_append_only_too(alpha):
    owner = owner_of(alpha)
    with schema_context(alpha.schema_name):
        [change] = history_record(actor=owner, entity="account", record_id=7, changes={"name": ("Old", "New")})
        with pytest.raises(AppendOnlyError):
            change.save()
        with pytest.raises(AppendOnlyError):
            change.delete()
        for sql in ("UPDATE audit_field_change SET new_value = '\"Forged\"' WHERE id = %s",
                    "DELETE FROM audit_field_change WHERE id = %s"):
            with pytest.raises(DatabaseError, match="audit_field_change is append-only"), transaction.atomic():
                _raw(sql, [change.pk])
        assert list(FieldChange.objects.filter(pk=change.pk).values_list("old_value", "new_value")) == [("Old", "New")]


def test_deleting_a_user_detaches_their_entries_and_keeps_the_label(alpha):
    # given a colleague who acted, then is deleted (the only UPDATE the triggers let through)
    leaver = make_user(alpha, role="member", email="leaver@alpha.test")
    entry = record(alpha, actor=leaver, action="view", entity="account", record_id=3, record_label="Acme")
    with schema_context(alpha.schema_name):
        [change] = history_record(actor=leaver, entity="account", record_id=3, changes={"name": ("A", "Acme")})
        User.objects.get(pk=leaver.pk).delete()
        # then the entries stay, without the foreign key, with who it was
        assert list(AuditEntry.objects.filter(pk=entry.pk).values_list("actor_id", "actor_label", "action")) == [
            (None, "leaver@alpha.test", "view")]
        assert list(FieldChange.objects.filter(pk=change.pk).values_list("actor_id", "actor_label")) == [
            (None, "leaver@alpha.test")]


def test_existing_workspaces_and_the_template_have_the_triggers_and_public_has_no_audit(alpha, beta):
    for schema in (alpha.schema_name, beta.schema_name, "tenant_template"):
        assert append_only_triggers(schema) == EXPECTED_TRIGGERS, schema
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = 'public' AND p.proname = 'audit_refuse_change'")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT to_regclass('public.audit_entry')")
        assert cursor.fetchone() == (None,)


def test_a_workspace_created_after_the_migration_has_working_triggers(db):
    from tenants.services import tenant_signup

    # given a workspace created by signup, i.e. cloned from the template schema
    result = tenant_signup(company_name="Trigger Co", workspace="trigger-check", name="T",
                           email="t@trigger.test", password="Trigger-check-2026")
    schema = result.tenant.schema_name
    # then its audit tables carry the triggers, calling the function in its own schema (not the template's)
    assert append_only_triggers(schema) == EXPECTED_TRIGGERS
    # and they refuse changes there
    with schema_context(schema):
        entry = audit_record(actor=result.owner, action="export", entity="account")
        with pytest.raises(DatabaseError, match="audit_entry is append-only"), transaction.atomic():
            _raw("DELETE FROM audit_entry WHERE id = %s", [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_installing_the_triggers_again_is_harmless(alpha):
    install_append_only_triggers(alpha.schema_name)
    install_append_only_triggers(alpha.schema_name)
    assert append_only_triggers(alpha.schema_name) == EXPECTED_TRIGGERS
    entry = record(alpha, action="export")
    with schema_context(alpha.schema_name), pytest.raises(DatabaseError, match="audit_entry is append-only"), \
            transaction.atomic():
        _raw("DELETE FROM audit_entry WHERE id = %s", [entry.pk])
