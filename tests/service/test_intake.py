"""The desk's caller lookup: support finds a caller's account only by exact phone, email or name, audited,
and can file tickets only on accounts it found that way (or already reads through tickets)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from core.audit.models import AuditAction, AuditEntry
from core.records import selectors as record_selectors
from core.records import services as records
from core.records.models import Account
from core.service import services
from core.service.models import Ticket
from tests.service.conftest import api_for


@pytest.fixture
def caller(team, in_alpha):
    return records.account_create(actor=team.owner, data={
        "name": "杭州来电科技有限公司", "owner": team.member.pk,
        "phones": ["13912345678"], "emails": ["Help@Caller.example"]})


def test_support_cannot_file_on_an_account_id_it_never_looked_up(team, caller):
    # given support has neither a ticket on the account nor looked it up
    before = Ticket.objects.count()
    # when support files a ticket with the bare id, then it is the same field error as a missing account
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(actor=team.support, data={"account": caller.pk, "subject": "Probe"})
    with pytest.raises(ValidationError) as missing:
        services.ticket_create(actor=team.support, data={"account": 999_999_999, "subject": "Probe"})
    assert refused.value.message_dict == missing.value.message_dict
    assert set(refused.value.message_dict) == {"account"}
    # and nothing was created, nor did the account become readable
    assert Ticket.objects.count() == before
    assert caller.pk not in set(record_selectors.accounts(actor=team.support).values_list("pk", flat=True))


@pytest.mark.parametrize("query", ["139 1234 5678", "+86 13912345678", "help@caller.example", "杭州来电科技",
                                   "杭州来电科技有限公司"])
def test_an_exact_identifier_finds_the_caller_and_lets_support_file(team, caller, query):
    found = services.intake_lookup(actor=team.support, query=query)
    assert [a.pk for a in found] == [caller.pk]
    # the lookup is in the audit log, naming the account
    entry = AuditEntry.objects.filter(action=AuditAction.INTAKE_LOOKUP, actor=team.support).first()
    assert (entry.entity, entry.record_id) == ("account", caller.pk)
    ticket = services.ticket_create(actor=team.support, data={"account": caller.pk, "subject": "Printer broken"})
    assert ticket.account_id == caller.pk


# 3912345678 is a valid number of its own, and the caller's number without its first digit
@pytest.mark.parametrize("query", ["来电", "1391234", "5678", "3912345678", "+86 391 234 5678", "caller.example",
                                   "杭", ""])
def test_fragments_find_nothing(team, caller, query):
    assert services.intake_lookup(actor=team.support, query=query) == []
    assert not AuditEntry.objects.filter(action=AuditAction.INTAKE_LOOKUP, actor=team.support).exists()


def test_a_lookup_by_one_agent_does_not_open_the_account_to_another(team, caller, alpha):
    from tests.factories import make_user

    other = make_user(alpha, role="support", email="support-two@alpha.test")
    services.intake_lookup(actor=other, query="13912345678")
    with pytest.raises(ValidationError):
        services.ticket_create(actor=team.support, data={"account": caller.pk, "subject": "Probe"})


def test_a_lookup_counts_for_one_day(team, caller):
    import datetime as dt
    from unittest import mock

    services.intake_lookup(actor=team.support, query="13912345678")
    looked = AuditEntry.objects.filter(actor=team.support, action=AuditAction.INTAKE_LOOKUP).get().created_at
    # the audit log is append-only, so the clock moves instead of the entry: 25 hours later it no longer counts
    with mock.patch("core.service.selectors.timezone.now", return_value=looked + dt.timedelta(hours=25)), \
            pytest.raises(ValidationError):
        services.ticket_create(actor=team.support, data={"account": caller.pk, "subject": "Late"})
    with mock.patch("core.service.selectors.timezone.now", return_value=looked + dt.timedelta(hours=23)):
        assert services.ticket_create(actor=team.support, data={"account": caller.pk, "subject": "In time"}).pk


@pytest.mark.parametrize("role", ["member", "manager", "finance", "viewer"])
def test_only_the_desk_may_look_up(team, caller, role):
    with pytest.raises(PermissionDenied):
        services.intake_lookup(actor=getattr(team, role), query="13912345678")


def test_the_api_lookup_and_filing(team, caller, alpha):
    api = api_for(team.support)
    assert api.post("/api/v1/tickets", {"account": caller.pk, "subject": "Probe"},
                    format="json").status_code == 400
    answer = api.get("/api/v1/tickets/intake", {"q": "help@caller.example"})
    assert answer.status_code == 200
    assert answer.json() == [{"id": caller.pk, "name": "杭州来电科技有限公司", "province": "", "city": ""}]
    created = api.post("/api/v1/tickets", {"account": caller.pk, "subject": "Printer broken"}, format="json")
    assert created.status_code == 201, created.json()
    assert api_for(team.member2).get("/api/v1/tickets/intake", {"q": "13912345678"}).status_code == 403
    with schema_context(alpha.schema_name):
        assert Account.objects.get(pk=caller.pk).owner_id == team.member.pk


def test_the_web_form_offers_the_lookup_to_support(team, caller, alpha):
    from tests.web.conftest import login

    client = login(team.support)
    page = client.get("/tickets/new/", {"lookup": "139-1234-5678"})
    assert page.status_code == 200
    assert [a.pk for a in page.context["intake"]["found"]] == [caller.pk]
    chosen = client.get("/tickets/new/", {"account": caller.pk})
    assert (caller.pk, "杭州来电科技有限公司") in list(chosen.context["form"].fields["account"].widget.choices)
    saved = client.post(f"/tickets/new/?account={caller.pk}", {
        "account": caller.pk, "subject": "Printer broken", "channel": "phone", "priority": "normal"})
    assert saved.status_code == 302
    with schema_context(alpha.schema_name):
        assert Ticket.objects.filter(account=caller, subject="Printer broken").exists()
    # a salesperson sees no lookup box
    assert login(team.member).get("/tickets/new/").context["intake"] is None
