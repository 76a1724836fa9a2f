"""Pages never name an account the reader cannot open (issue: deal page, board cards, lists, search)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.records import services
from tests.factories import PASSWORD

SECRET = "机密客户有限公司"


@pytest.fixture
def own_deal_under_hidden_account(team, alpha):
    """member owns a deal (and a contact) under member2's account, which member may not open."""
    with schema_context(alpha.schema_name):
        hidden = services.account_create(actor=team.member2, data={"name": SECRET})
        contact = services.contact_create(actor=team.owner, data={"name": "王经理", "account": hidden.pk,
                                                                  "owner": team.member.pk})
        deal = services.deal_create(actor=team.owner, data={"name": "My deal there", "account": hidden.pk,
                                                            "owner": team.member.pk})
    return hidden, contact, deal


def _member(team) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.member.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("path", ["/deals/{deal}/", "/deals/", "/deals/list/", "/contacts/", "/contacts/{contact}/",
                                  "/search/?q=My+deal", "/search/?q=王经理"])
def test_the_hidden_accounts_name_is_on_no_page(team, own_deal_under_hidden_account, path):
    hidden, contact, deal = own_deal_under_hidden_account
    response = _member(team).get(path.format(deal=deal.pk, contact=contact.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert f"/accounts/{hidden.pk}/" not in html


def test_the_deal_is_still_shown_and_says_its_account_is_not_the_readers(team, own_deal_under_hidden_account):
    hidden, _contact, deal = own_deal_under_hidden_account
    html = _member(team).get(f"/deals/{deal.pk}/").content.decode()
    assert "My deal there" in html and 'data-testid="hidden-account"' in html
    # the account's owner (who sees everything under it) sees its name on the same page, linked
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.member2.email, "password": PASSWORD}).status_code == 302
    html = client.get(f"/deals/{deal.pk}/").content.decode()
    assert SECRET in html and f"/accounts/{hidden.pk}/" in html
