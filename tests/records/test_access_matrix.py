"""Who sees and changes which records: exact sets per role, and denials that change nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.records import selectors, services
from core.records.models import Account, Contact, Deal


@pytest.fixture
def book(team, in_alpha):
    """Accounts owned across the team, one in the pool, one shared read-only with `member`."""
    def account(owner, name):
        return services.account_create(actor=team.owner, data={"name": name, "owner": owner.pk if owner else None})

    a = {
        "member": account(team.member, "Member Co"),
        "member2": account(team.member2, "Member Two Co"),
        "outsider": account(team.outsider, "Outsider Co"),
        "pool": account(None, "Pool Co"),
        "owner": account(team.owner, "Owner Co"),
    }
    services.account_share(actor=team.owner, account=a["outsider"], user=team.member, access="read")
    c = {key: services.contact_create(actor=team.owner, data={"name": f"{key} contact", "account": acc.pk,
                                                              "owner": acc.owner_id, "phones": ["13812345678"]})
         for key, acc in a.items()}
    d = {key: services.deal_create(actor=team.owner, data={"name": f"{key} deal", "account": acc.pk,
                                                           "amount": "1000", "owner": acc.owner_id})
         for key, acc in a.items()}
    return a, c, d


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


EXPECTED_ACCOUNTS = {
    "owner": {"Member Co", "Member Two Co", "Outsider Co", "Pool Co", "Owner Co"},
    "admin": {"Member Co", "Member Two Co", "Outsider Co", "Pool Co", "Owner Co"},
    "manager": {"Member Co", "Member Two Co"},
    "member": {"Member Co", "Outsider Co"},
    "member2": {"Member Two Co"},
    "outsider": {"Outsider Co"},
    "viewer": set(),
    "finance": {"Member Co", "Member Two Co", "Outsider Co", "Pool Co", "Owner Co"},
    "support": set(),  # only accounts tickets refer to, none here (tests/service/test_access.py has some)
}


@pytest.mark.parametrize("who", list(EXPECTED_ACCOUNTS))
def test_accounts_each_role_sees_exactly(team, book, who):
    assert names(selectors.accounts(actor=getattr(team, who))) == EXPECTED_ACCOUNTS[who]


@pytest.mark.parametrize("who", list(EXPECTED_ACCOUNTS))
def test_contacts_and_deals_follow_their_accounts(team, book, who):
    user = getattr(team, who)
    expected = {name.split(" Co")[0].lower().replace(" two", "2") for name in EXPECTED_ACCOUNTS[who]}
    contacts = {name.removesuffix(" contact") for name in names(selectors.contacts(actor=user))}
    deals = {name.removesuffix(" deal") for name in names(selectors.deals(actor=user))}
    if who == "finance":
        assert contacts == set()  # finance never sees people
        assert deals == {"member", "member2", "outsider", "pool", "owner"}
    else:
        assert contacts == expected
        assert deals == expected


def test_member_can_change_own_but_not_read_only_shared_account(team, book):
    a, _c, _d = book
    services.account_update(actor=team.member, account=a["member"], data={"industry": "Textiles"})
    with pytest.raises(PermissionDenied):
        services.account_update(actor=team.member, account=a["outsider"], data={"industry": "Hacked"})
    assert Account.objects.get(pk=a["outsider"].pk).industry == ""


@pytest.mark.parametrize("who", ["member2", "outsider", "viewer", "support"])
def test_invisible_record_is_absent_not_forbidden_and_unchanged(team, book, who):
    a, c, d = book
    user = getattr(team, who)
    with pytest.raises(Http404):
        services.account_update(actor=user, account=a["member"], data={"name": "Hacked"})
    with pytest.raises(Http404):
        services.deal_move(actor=user, deal=d["member"], stage="won")
    with pytest.raises(Http404):
        services.contact_delete(actor=user, contact=c["member"])
    assert Account.objects.get(pk=a["member"].pk).name == "Member Co"
    assert Deal.objects.get(pk=d["member"].pk).stage == "initial_contact"
    assert Contact.objects.filter(pk=c["member"].pk).exists()


@pytest.mark.parametrize("who", ["viewer", "finance", "support"])
def test_read_only_roles_cannot_create(team, in_alpha, who):
    before = Account.objects.count()
    with pytest.raises(PermissionDenied):
        services.account_create(actor=getattr(team, who), data={"name": "Nope"})
    assert Account.objects.count() == before


def test_manager_can_reassign_within_team_but_member_cannot(team, book):
    a, _c, _d = book
    services.account_update(actor=team.manager, account=a["member"], data={"owner": team.member2.pk})
    assert Account.objects.get(pk=a["member"].pk).owner_id == team.member2.pk
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.account_update(actor=team.member2, account=a["member2"], data={"owner": team.outsider.pk})
    assert error.value.error_dict["owner"][0].code == "owner_not_allowed"
    assert Account.objects.get(pk=a["member2"].pk).owner_id == team.member2.pk
