"""The leads list, a lead's actions, and conversion through the web form — exactly once."""

from __future__ import annotations

from django.utils import translation
from django_tenants.utils import schema_context

from core.leads import services
from core.leads.models import Lead
from core.records.models import Account, Contact, Deal
from tests.web.conftest import login


def _codes(form) -> set[tuple[str, str]]:
    return {(field, error.code) for field, errors in form.errors.as_data().items() for error in errors}


def _counts() -> tuple[int, int, int]:
    return Account.objects.count(), Contact.objects.count(), Deal.objects.count()


def test_list_filters_search_and_masks_phones(team, book, alpha):
    with schema_context(alpha.schema_name):
        services.lead_create(actor=team.member, data={"name": "Pool lead", "owner": None, "grade": "A"})
        services.lead_create(actor=team.member2, data={"name": "Not mine"})
    client = login(team.member)
    response = client.get("/leads/")
    assert {lead.name for lead, _out in response.context["rows"]} == {"李雷", "Pool lead"}
    html = response.content.decode()
    assert "137****1111" in html and "13700001111" not in html
    assert [lead.name for lead, _o in client.get("/leads/", {"q": "韩梅梅"}).context["rows"]] == ["李雷"]
    assert [lead.name for lead, _o in client.get("/leads/", {"q": "13700001111"}).context["rows"]] == ["李雷"]
    assert [lead.name for lead, _o in client.get("/leads/", {"grade": "A"}).context["rows"]] == ["Pool lead"]
    assert [lead.name for lead, _o in client.get("/leads/", {"in_pool": "true"}).context["rows"]] == ["Pool lead"]
    assert client.get(f"/leads/{book.lead.pk}/").status_code == 200
    assert login(team.member2).get(f"/leads/{book.lead.pk}/").status_code == 404


def test_disqualify_needs_a_reason_and_qualify_takes_it_back(team, book, alpha):
    client = login(team.member)
    url = f"/leads/{book.lead.pk}/"
    empty = client.post(url + "disqualify/", {"disqualified_reason": ""})
    assert empty.status_code == 400
    assert _codes(empty.context["disqualify_form"]) == {("disqualified_reason", "required")}
    assert 'data-error-for="disqualified_reason"' in empty.content.decode()
    assert client.post(url + "disqualify/", {"disqualified_reason": "预算不足"}).status_code == 302
    with schema_context(alpha.schema_name):
        lead = Lead.objects.get(pk=book.lead.pk)
    assert (lead.status, lead.disqualified_reason) == ("disqualified", "预算不足")
    assert client.post(url + "qualify/").status_code == 302
    with schema_context(alpha.schema_name):
        lead.refresh_from_db()
    assert (lead.status, lead.disqualified_reason) == ("qualified", "")
    assert 'data-testid="convert"' in client.get(url).content.decode()


def test_convert_through_the_form_exactly_once(team, book, alpha):
    with schema_context(alpha.schema_name):
        services.lead_qualify(actor=team.member, lead=book.lead)
        before = _counts()
    client = login(team.member)
    form = {"account": "", "deal_name": "首单", "amount": "5,000"}
    # the first conversion creates an account, a contact and a deal
    response = client.post(f"/leads/{book.lead.pk}/convert/", form)
    assert response.status_code == 302 and response["Location"] == f"/leads/{book.lead.pk}/"
    with schema_context(alpha.schema_name):
        lead = Lead.objects.get(pk=book.lead.pk)
        after = _counts()
        deal = Deal.objects.get(pk=lead.converted_deal_id)
        account = Account.objects.get(pk=lead.converted_account_id)
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert (account.name, deal.name, str(deal.amount), account.owner_id) == ("韩梅梅贸易有限公司", "首单", "5000.00",
                                                                            team.member.pk)
    page = client.get(f"/leads/{book.lead.pk}/").content.decode()
    assert 'data-testid="converted-account"' in page and 'data-testid="convert"' not in page
    # the second attempt: the service's conflict, shown on the form; nothing new
    again = client.post(f"/leads/{book.lead.pk}/convert/", form)
    assert again.status_code == 409
    assert _codes(again.context["form"]) == {("__all__", "already_converted")}
    with schema_context(alpha.schema_name), translation.override("zh-hans"):
        from django.utils.translation import gettext

        message = gettext("This lead has already been converted; work on its account, contact or deal instead.")
        assert _counts() == after
    assert message in again.content.decode()


def test_convert_into_an_existing_account_and_refusals(team, book, alpha):
    client = login(team.member)
    # not qualified yet: the service's conflict
    refused = client.post(f"/leads/{book.lead.pk}/convert/", {"account": book.mine.pk})
    assert refused.status_code == 409 and _codes(refused.context["form"]) == {("__all__", "not_qualified")}
    with schema_context(alpha.schema_name):
        services.lead_qualify(actor=team.member, lead=book.lead)
        before = _counts()
    # an account the member may not change: a field error
    hidden = client.post(f"/leads/{book.lead.pk}/convert/", {"account": book.theirs.pk})
    assert hidden.status_code == 400 and _codes(hidden.context["form"]) == {("account", "does_not_exist")}
    assert client.post(f"/leads/{book.lead.pk}/convert/", {"account": book.mine.pk}).status_code == 302
    with schema_context(alpha.schema_name):
        lead = Lead.objects.get(pk=book.lead.pk)
        assert (lead.converted_account_id, lead.converted_deal_id) == (book.mine.pk, None)
        assert _counts() == (before[0], before[1] + 1, before[2])


def test_lead_form_creates_and_edits(team, alpha):
    client = login(team.member)
    bad = client.post("/leads/new/", {"name": "", "score": "101", "status": "new"})
    assert bad.status_code == 400 and _codes(bad.context["form"]) == {("name", "required"), ("score", "max_value")}
    response = client.post("/leads/new/", {"name": "张三", "company": "张氏五金", "phones": "13912345678",
                                           "score": "60", "grade": "B", "status": "working"})
    with schema_context(alpha.schema_name):
        lead = Lead.objects.get(name="张三")
    assert response.status_code == 302 and response["Location"] == f"/leads/{lead.pk}/"
    assert (lead.phones, lead.score, lead.status, lead.owner_id) == (["+8613912345678"], 60, "working", team.member.pk)
    edit = client.get(f"/leads/{lead.pk}/edit/").content.decode()
    assert "13912345678" not in edit and "139****5678" in edit
    assert client.post(f"/leads/{lead.pk}/edit/", {"name": "张三", "company": "张氏五金集团", "phones": "",
                                                   "score": "60", "grade": "B", "status": "working"}).status_code == 302
    with schema_context(alpha.schema_name):
        lead.refresh_from_db()
    assert (lead.company, lead.phones) == ("张氏五金集团", ["+8613912345678"])
