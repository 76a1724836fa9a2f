"""Every entry point reports the same validation errors, because each one calls the same service.

The entry points: the service itself (what the demo seeder, imports and Celery tasks call), the API,
the web form, and — for stage moves — the deal board. For each bad input the set of (field, code) pairs
and the messages must be identical, and nothing may be written.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context

from core.records import services
from core.records.models import Account, Deal, DealStageChange
from tests.factories import PASSWORD
from tests.records.conftest import api_for

HOST = "alpha.localhost"
LANGUAGE = "zh-hans"  # workspace alpha's language, which its users read (none chose another)


def _login(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    assert client.post("/login/", {"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _service_errors(call) -> set[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return {(field, error.code, str(error.message % (error.params or {})))
            for field, errors in caught.value.error_dict.items() for error in errors}


def _api_errors(response) -> set[tuple[str, str, str]]:
    assert response.status_code == 400, response.content
    return {(f["path"], f["code"], f["message"]) for f in response.json()["error"]["fields"]}


def _form_errors(response) -> set[tuple[str, str, str]]:
    assert response.status_code == 400
    return {(field, error.code, str(error.message % (error.params or {})))
            for field, errors in response.context["form"].errors.as_data().items() for error in errors}


@pytest.fixture
def account(team, alpha):
    with schema_context(alpha.schema_name):
        return services.account_create(actor=team.owner, data={"name": "入口测试有限公司", "owner": team.member.pk})


@pytest.fixture
def deal(team, account, alpha):
    with schema_context(alpha.schema_name):
        return services.deal_create(actor=team.member, data={"name": "入口商机", "account": account.pk,
                                                             "amount": "1000"})


BAD_DEALS = [
    pytest.param({"name": "", "amount": "-5", "currency": "XYZ"}, id="required-negative-currency"),
    pytest.param({"name": "Deal", "stage": "nowhere"}, id="unknown-stage"),
    pytest.param({"name": "Deal", "expected_close_date": "2026-13-40", "probability": "140"}, id="date-probability"),
]


@pytest.mark.parametrize("bad", BAD_DEALS)
def test_deal_create_errors_are_the_same_from_service_api_and_form(team, account, alpha, bad):
    payload = {"account": account.pk, **bad}
    with schema_context(alpha.schema_name), translation.override(LANGUAGE):
        before = Deal.objects.count()
        from_service = _service_errors(lambda: services.deal_create(actor=team.member, data=dict(payload)))
    api = api_for(team.member)
    from_api = _api_errors(api.post("/api/v1/deals", payload, format="json"))
    client = _login(team.member)
    form = {"currency": "CNY", "owner": team.member.pk, **payload}
    from_form = _form_errors(client.post("/deals/new/", form))
    assert from_service, "the bad input must be refused"
    assert from_api == from_service
    assert from_form == from_service
    with schema_context(alpha.schema_name):
        assert Deal.objects.count() == before


def test_a_refused_move_says_the_same_from_service_api_board_and_form(team, deal, alpha):
    with schema_context(alpha.schema_name), translation.override(LANGUAGE):
        from_service = _service_errors(lambda: services.deal_move(actor=team.member, deal=deal, stage="nowhere"))
    ((field, code, message),) = from_service
    assert (field, code) == ("stage", "invalid_choice")
    api = api_for(team.member)
    assert _api_errors(api.post(f"/api/v1/deals/{deal.pk}/move", {"stage": "nowhere"},
                                format="json")) == from_service
    client = _login(team.member)
    board = client.post(f"/deals/{deal.pk}/move/", {"stage": "nowhere"}, HTTP_X_REQUESTED_WITH="board")
    assert board.status_code == 400 and message in board.content.decode()
    edit = client.post(f"/deals/{deal.pk}/edit/", {
        "name": deal.name, "account": deal.account_id, "amount": "1000", "currency": "CNY", "stage": "nowhere",
        "owner": team.member.pk})
    assert _form_errors(edit) == from_service
    with schema_context(alpha.schema_name):
        deal.refresh_from_db()
        assert deal.stage == "initial_contact"
        assert DealStageChange.objects.filter(deal=deal).count() == 1


def test_account_errors_are_the_same_from_service_api_and_form(team, alpha):
    payload = {"name": "", "phones": ["12"], "emails": ["not-an-email"], "website": "ftp:/x"}
    with schema_context(alpha.schema_name), translation.override(LANGUAGE):
        from_service = _service_errors(lambda: services.account_create(actor=team.member, data=dict(payload)))
    api = api_for(team.member)
    assert _api_errors(api.post("/api/v1/accounts", payload, format="json")) == from_service
    form = _login(team.member).post("/accounts/new/", {
        "name": "", "phones": "12", "emails": "not-an-email", "website": "ftp:/x", "kind": "company",
        "status": "prospect"})
    assert _form_errors(form) == from_service
    with schema_context(alpha.schema_name):
        assert not Account.objects.filter(name="").exists()
