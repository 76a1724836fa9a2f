"""The audit services: JSON-safe values, diffs, history without unchanged fields, request context."""

import datetime
import decimal

import pytest
from django.test import RequestFactory
from django_tenants.utils import schema_context

from core.audit.context import AuditContextMiddleware, Client, client_context, client_ip, current_client
from core.audit.models import AuditEntry, FieldChange
from core.audit.selectors import field_changes
from core.audit.services import audit_record, diff_instances, history_record, json_safe
from tests.factories import owner_of


def test_json_safe_turns_decimals_dates_and_instances_into_json(alpha):
    owner = owner_of(alpha)
    value = {"amount": decimal.Decimal("12.50"), "when": datetime.date(2026, 5, 1),
             "at": datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC), "owner": owner,
             "tags": ("a", "b"), "none": None, "flag": True}
    assert json_safe(value) == {"amount": "12.50", "when": "2026-05-01", "at": "2026-05-01T09:30:00+00:00",
                                "owner": owner.pk, "tags": ["a", "b"], "none": None, "flag": True}


def test_diff_reports_only_changed_fields_of_after():
    before = {"name": "Acme", "amount": decimal.Decimal("1.0"), "stage": "new", "gone": 1}
    after = {"name": "Acme", "amount": decimal.Decimal("2.0"), "stage": "won"}
    assert diff_instances(before, after) == {"amount": (decimal.Decimal("1.0"), decimal.Decimal("2.0")),
                                             "stage": ("new", "won")}


def test_history_skips_unchanged_fields_and_shares_one_time(alpha):
    owner = owner_of(alpha)
    with schema_context(alpha.schema_name):
        rows = history_record(actor=owner, entity="deal", record_id=41,
                              changes={"amount": (decimal.Decimal("5"), decimal.Decimal("7.5")),
                                       "name": ("Same", "Same"), "close_on": (None, datetime.date(2026, 6, 30))})
        assert sorted((r.field, r.old_value, r.new_value) for r in rows) == [
            ("amount", "5", "7.5"), ("close_on", None, "2026-06-30")]
        assert {r.created_at for r in rows} == {rows[0].created_at}
        timeline = list(field_changes(entity="deal", record_id=41).values_list("field", "actor_label"))
        assert sorted(timeline) == [("amount", owner.email), ("close_on", owner.email)]
        assert history_record(actor=owner, entity="deal", record_id=41, changes={"name": ("A", "A")}) == []
        assert FieldChange.objects.filter(entity="deal", record_id=41).count() == 2


def test_audit_record_fills_record_fields_and_request_context(alpha):
    owner = owner_of(alpha)
    with schema_context(alpha.schema_name), client_context(Client(ip="203.0.113.9", user_agent="Script/1.0")):
        entry = audit_record(actor=owner, action="update", entity="user", record=owner,
                             changes={"name": ("Old", "New")}, fields=["language"])
    assert (entry.record_id, entry.record_label, entry.actor_label) == (owner.pk, str(owner), owner.email)
    assert (entry.ip, entry.user_agent) == ("203.0.113.9", "Script/1.0")
    assert entry.fields == ["language", "name"]
    assert entry.changes == {"name": ["Old", "New"]}


def test_a_task_has_no_ip(alpha):
    with schema_context(alpha.schema_name):
        entry = audit_record(actor=None, action="export", entity="account")
    assert (entry.ip, entry.user_agent, entry.actor_id, entry.actor_label) == (None, "", None, "")


def test_unknown_action_is_refused_and_nothing_is_written(alpha):
    with schema_context(alpha.schema_name):
        before = AuditEntry.objects.count()
        with pytest.raises(ValueError, match="Unknown audit action"):
            audit_record(actor=None, action="tamper")
        assert AuditEntry.objects.count() == before


def test_the_public_schema_has_no_audit_log(db):
    with pytest.raises(RuntimeError, match="public schema"):
        audit_record(actor=None, action="export")


@pytest.mark.parametrize(("proxies", "expected"), [(0, "10.0.0.5"), (1, "10.0.0.1"), (2, "198.51.100.7"),
                                                   (3, "198.51.100.7")])
def test_x_forwarded_for_counts_only_the_hops_of_trusted_proxies(settings, proxies, expected):
    """The Nth entry from the right, as DRF's NUM_PROXIES (its leftmost when the header is shorter)."""
    settings.GUANXI_NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")
    assert client_ip(request) == expected


def test_a_forwarded_entry_that_is_not_an_address_falls_back_to_the_peer(settings):
    settings.GUANXI_NUM_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7, unknown")
    assert client_ip(request) == "10.0.0.5"


def test_middleware_sets_the_client_only_during_the_request():
    seen = []
    middleware = AuditContextMiddleware(lambda request: seen.append(current_client()) or "response")
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT="x" * 600)
    assert middleware(request) == "response"
    assert seen == [Client(ip="192.0.2.1", user_agent="x" * 500)]
    assert current_client() == Client()
