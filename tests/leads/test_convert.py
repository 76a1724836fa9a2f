"""Converting a lead: exactly once, through the records' write path, never into an account one may not change."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_tenants.utils import schema_context

from core.api.errors import Conflict
from core.audit.models import AuditEntry
from core.leads import services
from core.leads.models import Lead
from core.records import services as records_services
from core.records.models import Account, Contact, Deal
from core.users.models import User
from tests.factories import WORKSPACES
from tests.leads.conftest import api_for


def _counts() -> tuple[int, int, int]:
    return Account.objects.count(), Contact.objects.count(), Deal.objects.count()


@pytest.fixture
def qualified(team, in_alpha):
    """A qualified lead of `member`, with a phone and an email."""
    return services.lead_create(actor=team.member, data={
        "company": "杭州示例科技有限公司", "name": "王芳", "title": "采购经理", "phones": ["13812345678"],
        "emails": ["wang@example.com"], "source": "展会", "status": "qualified"})


def test_conversion_creates_account_contact_and_deal_once_and_links_back(team, qualified, alpha):
    member_api = api_for(team.member)
    with schema_context(alpha.schema_name):
        before = _counts()
    # when the member converts the lead with a deal
    response = member_api.post(f"/api/v1/leads/{qualified.pk}/convert",
                               {"create_deal": True, "deal_name": "首单", "amount": "8800"}, format="json")
    # then exactly one account, contact and deal exist more, all the member's, and the lead points at them
    assert response.status_code == 200, response.content
    body = response.json()
    with schema_context(alpha.schema_name):
        assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
        lead = Lead.objects.get(pk=qualified.pk)
        account, contact, deal = lead.converted_account, lead.converted_contact, lead.converted_deal
        assert (account.name, account.kind, account.source, account.owner_id) == (
            "杭州示例科技有限公司", "company", "展会", team.member.pk)
        assert account.phones == []  # the person's phone belongs to the contact, not the company
        assert (contact.name, contact.title, contact.account_id, contact.phones, contact.emails, contact.owner_id) == (
            "王芳", "采购经理", account.pk, ["+8613812345678"], ["wang@example.com"], team.member.pk)
        assert (deal.name, str(deal.amount), deal.account_id, deal.contact_id, deal.owner_id, deal.stage) == (
            "首单", "8800.00", account.pk, contact.pk, team.member.pk, "initial_contact")
        assert lead.converted_at is not None and lead.status == "qualified"
        # and the records were written through their own services (audited as created), the lead as converted
        assert set(AuditEntry.objects.filter(action="create", record_id__in=[account.pk, contact.pk, deal.pk])
                   .values_list("entity", "record_id")) >= {("account", account.pk), ("contact", contact.pk),
                                                            ("deal", deal.pk)}
        convert = AuditEntry.objects.get(action="convert", entity="lead", record_id=lead.pk)
        assert convert.changes["converted_account"] == [None, account.pk]
        assert convert.changes["converted_deal"] == [None, deal.pk]
    assert (body["converted"], body["converted_account"], body["converted_contact"], body["converted_deal"]) == (
        True, account.pk, contact.pk, deal.pk)

    # when it is converted again
    again = member_api.post(f"/api/v1/leads/{qualified.pk}/convert", {"create_deal": True}, format="json")
    # then 409, and nothing more exists
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_converted"
    with schema_context(alpha.schema_name):
        assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
        assert AuditEntry.objects.filter(action="convert", entity="lead", record_id=qualified.pk).count() == 1


def test_conversion_without_deal_into_existing_account(team, qualified):
    # given an account the member owns
    account = records_services.account_create(actor=team.member, data={"name": "Existing Co"})
    before = _counts()
    # when the lead is converted into it without a deal
    lead = services.lead_convert(actor=team.member, lead=qualified, account_id=account.pk)
    # then only a contact was created, under that account
    assert _counts() == (before[0], before[1] + 1, before[2])
    assert (lead.converted_account_id, lead.converted_deal_id) == (account.pk, None)
    assert Contact.objects.get(pk=lead.converted_contact_id).account_id == account.pk


def test_pool_lead_without_company_becomes_a_person_account_of_the_converter(team, in_alpha):
    lead = services.lead_create(actor=team.member, data={"name": "Chen Jie", "phones": ["13900001111"],
                                                         "owner": None, "status": "qualified"})
    lead = services.lead_convert(actor=team.member, lead=lead)
    account = lead.converted_account
    assert (account.name, account.kind, account.owner_id, account.phones) == (
        "Chen Jie", "person", team.member.pk, ["+8613900001111"])


@pytest.mark.parametrize(("whose", "code"), [("shared_read_only", "read_only"), ("invisible", "does_not_exist")])
def test_conversion_into_an_account_the_user_cannot_change_is_refused(team, qualified, alpha, whose, code):
    # given an account of the outsider, shared read-only with the member, and one of member2 (invisible)
    with schema_context(alpha.schema_name):
        shared = records_services.account_create(actor=team.owner, data={"name": "Outsider Co",
                                                                         "owner": team.outsider.pk})
        records_services.account_share(actor=team.owner, account=shared, user=team.member, access="read")
        invisible = records_services.account_create(actor=team.owner, data={"name": "Member2 Co",
                                                                            "owner": team.member2.pk})
        target = {"shared_read_only": shared, "invisible": invisible}[whose]
        before = _counts()
    # when the member converts the lead into it
    response = api_for(team.member).post(f"/api/v1/leads/{qualified.pk}/convert",
                                         {"account": target.pk, "create_deal": True}, format="json")
    # then the account field is refused and nothing was created or linked
    assert response.status_code == 400
    assert [(f["path"], f["code"]) for f in response.json()["error"]["fields"]] == [("account", code)]
    with schema_context(alpha.schema_name):
        assert _counts() == before
        assert Lead.objects.values_list("converted_at", "converted_account", "converted_contact").get(
            pk=qualified.pk) == (None, None, None)
        assert not AuditEntry.objects.filter(action="convert", record_id=qualified.pk).exists()


def test_only_a_qualified_lead_converts(team, in_alpha):
    lead = services.lead_create(actor=team.member, data={"name": "Early", "company": "Early Co"})
    before = _counts()
    with pytest.raises(Conflict) as error:
        services.lead_convert(actor=team.member, lead=lead, create_deal=True)
    assert error.value.code == "not_qualified"
    assert _counts() == before
    assert Lead.objects.get(pk=lead.pk).converted_at is None


def test_an_invalid_amount_is_named_and_nothing_is_created(team, qualified):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        services.lead_convert(actor=team.member, lead=qualified, create_deal=True, amount="-1")
    assert [(field, e.code) for field, errors in error.value.error_dict.items() for e in errors] == [
        ("amount", "min_value")]
    assert _counts() == before
    assert Lead.objects.get(pk=qualified.pk).converted_at is None


def test_a_failure_after_the_account_was_written_rolls_everything_back(team, qualified, monkeypatch):
    # given deal creation failing (as a plugin veto would) after the account and the contact were written
    def veto(**kwargs):
        raise ValidationError({"name": ValidationError("Vetoed", code="vetoed")})

    monkeypatch.setattr(services, "deal_create", veto)
    before = _counts()
    # when the lead is converted with a deal
    with pytest.raises(ValidationError):
        services.lead_convert(actor=team.member, lead=qualified, create_deal=True)
    # then no account or contact is left behind and the lead is still convertible
    assert _counts() == before
    assert Lead.objects.get(pk=qualified.pk).converted_at is None
    assert not AuditEntry.objects.filter(action="convert", record_id=qualified.pk).exists()


@pytest.mark.parametrize("who", ["viewer", "member2"])
def test_a_user_who_cannot_change_the_lead_cannot_convert_it(team, qualified, alpha, who):
    with schema_context(alpha.schema_name):
        before = _counts()
    response = api_for(getattr(team, who)).post(f"/api/v1/leads/{qualified.pk}/convert", {}, format="json")
    assert response.status_code == 404  # neither sees the member's lead
    with schema_context(alpha.schema_name):
        assert _counts() == before


@pytest.mark.committed
def test_concurrent_conversions_convert_exactly_once(committed_db):
    from django.conf import settings

    from tenants.models import Tenant

    # committed_db alone does not make pytest-django create the test database (it only counts tests using
    # `db`); selected on its own, this test would commit into the development database: refuse instead
    if connection.settings_dict["NAME"] != settings.DATABASES["default"]["TEST"]["NAME"]:
        pytest.fail("Not on the test database: run this test together with a test that uses `db` "
                    "(e.g. the whole tests/leads folder).")
    # given a committed, qualified lead in alpha (unique names, so cleanup finds exactly what this test made)
    alpha = Tenant.objects.get(slug="alpha")
    marker = f"Race Co {uuid.uuid4().hex[:8]}"
    with schema_context(alpha.schema_name):
        owner = User.objects.get(email=WORKSPACES["alpha"].owner_email)
        lead = services.lead_create(actor=owner, data={"name": "Racer", "company": marker, "status": "qualified"})
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt() -> None:
        try:
            with schema_context(alpha.schema_name):
                actor = User.objects.get(pk=owner.pk)
                barrier.wait()
                services.lead_convert(actor=actor, lead=Lead(pk=lead.pk), create_deal=True, amount="100")
            results.append("converted")
        except Conflict as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    try:
        # when two requests convert it at the same moment
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        # then one converted, the other got the conflict, and exactly one account, contact and deal exist
        assert sorted(results) == ["already_converted", "converted"]
        with schema_context(alpha.schema_name):
            accounts = Account.objects.filter(name=marker)
            assert accounts.count() == 1
            assert Contact.objects.filter(account__in=accounts).count() == 1
            assert Deal.objects.filter(account__in=accounts).count() == 1
            converted = Lead.objects.get(pk=lead.pk)
            assert converted.converted_account_id == accounts.get().pk
    finally:
        with schema_context(alpha.schema_name):
            accounts = list(Account.objects.filter(name=marker).values_list("pk", flat=True))
            Lead.objects.filter(pk=lead.pk).delete()
            Deal.objects.filter(account_id__in=accounts).delete()
            Contact.objects.filter(account_id__in=accounts).delete()
            Account.objects.filter(pk__in=accounts).delete()
