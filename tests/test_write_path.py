"""One write path, enforced by reading the code: CRM records are written only through core.writepath.

The scan walks every module of the product (not tests, not migrations) and reports each call that can
write a row — `save()`, `delete()`, a manager's `create`/`update`/`bulk_*`/`get_or_create`/
`update_or_create`, `QuerySet.update()`/`delete()`, raw SQL through a cursor — whose target is one of
the entity registry's models, or cannot be told from the code. Each must be in the write path itself,
in the seeding of demo and benchmark data, or in ALLOWED below with the reason it is not a bypass. An
entry that no longer matches anything fails too, so the list cannot grow stale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("core", "tenants", "billing", "plugins", "platform/guanxi")
WRITE_PATH = ("core/writepath/",)
SEEDING = ("core/records/seeding.py", "core/activities/seeding.py", "tenants/demo.py")
ROW_WRITES = {"save", "delete", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
              "create"}
SQL_CALLS = {"execute", "executemany", "copy"}

# (file, the call as written) -> why it is not a second write path
ALLOWED: dict[tuple[str, str], str] = {
    ("core/records/stage_moves.py", "Deal.objects.filter(pk__in=ids).update"):
        "the bulk stage move of a configuration change: each deal's trail is written by record_trails",
    ("core/records/stage_moves.py", "Deal.objects.filter(pk__in=ids, closed_at__isnull=True).update"):
        "the same bulk move: the closing time of deals that enter a closed stage",
    ("core/customization/migrate_data.py", "cursor.execute"):
        "a configuration change converting or (de)encrypting one custom key in bulk; semantic validation "
        "proved every value converts, and the configuration version is the audit record",
    ("core/customization/rotation.py", "model._base_manager.bulk_update"):
        "key rotation: the same plaintext under a new key, no user-visible change (crypto's own rotation)",
    ("core/activities/services.py", "cursor.execute"):
        "claiming due reminders (UPDATE … RETURNING reminded_at): bookkeeping that makes each reminder go once",
    ("core/service/services.py", "cursor.execute"):
        "marking SLA breaches as announced (UPDATE … RETURNING): bookkeeping that makes each notice go once",
    ("core/customization/records.py", "cursor.execute"): "an advisory lock (SELECT pg_advisory_xact_lock): no row",
    ("core/customization/current.py", "cursor.execute"): "reads the configuration version in force: no write",
    ("core/customization/indexes.py", "cursor.execute"): "creates and drops expression indexes: DDL, no rows",
    ("platform/guanxi/health.py", "cursor.execute"): "the readiness probe's SELECT 1",
    ("core/events/dispatch.py", "cursor.execute"):
        "the dispatcher reads the snapshot's horizon and takes its advisory lock: no row of a record",
    ("core/campaigns/services.py", 'present.filter(lead_id__in=removed["leads"]).delete'):
        "campaign memberships (not records) removed under the campaign's lock; the campaign's trail records it",
    ("core/campaigns/services.py", 'present.filter(contact_id__in=removed["contacts"]).delete'):
        "the same removal, for contacts",
    ("core/audit/append_only.py", "cursor.execute"): "installs the audit tables' append-only triggers (DDL)",
    ("core/crypto/services.py", "cursor.execute"): "lists a schema's tables for key rotation: a read",
    ("core/users/authentication.py", "cursor.execute"): "looks up an API token: a read",
    ("tenants/management/commands/doctor.py", "cursor.execute"): "the doctor's checks: reads",
    ("tenants/middleware.py", "cursor.execute"): "sets the connection's search path",
    ("tenants/template_schema.py", "cursor.execute"): "reads the template schema's migrations",
}


def _module_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _root_name(node: ast.AST) -> str | None:
    """The name a call chain starts from: `Deal` in Deal.objects.filter(...).update."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _chain_attrs(node: ast.AST) -> set[str]:
    attrs = set()
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute):
            attrs.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            node = node.value
    return attrs


def _crm_model_names() -> set[str]:
    from core.entities.registry import registry

    return {entity.model.__name__ for entity in registry}


def _other_model_names(crm: set[str]) -> set[str]:
    from django.apps import apps

    return {model.__name__ for model in apps.get_models()} - crm


def _writes(path: Path, crm: set[str], others: set[str]) -> list[tuple[str, str, int]]:
    """(file, call as written, line) of each call that writes a CRM row or whose target cannot be told."""
    source = path.read_text(encoding="utf-8")
    relative = str(path.relative_to(ROOT))
    tree = ast.parse(source)
    # an instance's save() says nothing of its model: judged only where CRM models are at hand
    handles_records = any(isinstance(node, ast.ImportFrom) and (
        {alias.name for alias in node.names} & crm or (node.module or "").endswith("entities.registry"))
        for node in ast.walk(tree))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        text = f"{ast.get_source_segment(source, receiver)}.{method}"
        if method in SQL_CALLS and "cursor" in text:
            found.append((relative, text, node.lineno))
            continue
        if method not in ROW_WRITES:
            continue
        root, attrs = _root_name(receiver), _chain_attrs(receiver)
        managed = bool(attrs & {"objects", "_base_manager", "_default_manager"})
        if root in crm and (managed or method in {"save", "delete"}):
            found.append((relative, text, node.lineno))  # a CRM model written by name
        elif managed and root not in others:
            found.append((relative, text, node.lineno))  # a manager of a model chosen at run time
        elif method in {"save", "delete"} and not managed and root not in others and handles_records:
            found.append((relative, text, node.lineno))  # instance.save(): which model, the code does not say
    return found


@pytest.fixture(scope="module")
def writes(django_db_setup):
    crm = _crm_model_names()
    others = _other_model_names(crm)
    return [w for path in _module_files() for w in _writes(path, crm, others)]


def test_crm_records_are_written_only_through_the_write_path(writes):
    bypasses = [f"{file}:{line}: {call}" for file, call, line in writes
                if not file.startswith(WRITE_PATH) and file not in SEEDING and (file, call) not in ALLOWED]
    assert bypasses == [], ("CRM rows written outside core.writepath: go through save_record / delete_record / "
                            "relink / record_trail, or add the call to ALLOWED with the reason it is safe.")


def test_every_allowed_write_still_exists(writes):
    seen = {(file, call) for file, call, _line in writes}
    assert sorted(set(ALLOWED) - seen) == []


def test_the_scan_sees_a_bypass(tmp_path):
    """The scan is not blind: a service writing a deal with save() or a queryset update is reported."""
    module = tmp_path / "bypass.py"
    module.write_text("from core.records.models import Deal\n"
                      "def grow(deal):\n    deal.amount += 1\n    deal.save()\n"
                      "def zero():\n    Deal.objects.filter(stage='lost').update(amount=0)\n"
                      "def raw(cursor):\n    cursor.execute('UPDATE records_deal SET amount = 0')\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = [call for _file, call, _line in _writes(module, {"Deal"}, {"Team"})]
    finally:
        ROOT = saved
    assert found == ["deal.save", "Deal.objects.filter(stage='lost').update", "cursor.execute"]
