"""Who sees and works which tickets, and what support may read of the accounts and contacts behind them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.access.scoping import access_of
from core.records import selectors as record_selectors
from core.records import services as records
from core.records.models import Account, Contact
from core.service import selectors, services
from core.service.models import Ticket
from tests.service.conftest import T0, api_for, hours, open_ticket


@pytest.fixture
def tickets(team, accounts):
    """One ticket per account, opened by the service desk."""
    return {key: open_ticket(team.support, account) for key, account in accounts.items()}


ALL = {"member", "member2", "outsider", "pool", "owner"}
EXPECTED_TICKETS = {
    "owner": ALL,
    "admin": ALL,
    "support": ALL,
    "manager": {"member", "member2"},
    "member": {"member", "outsider"},  # outsider's account is shared with member (read)
    "member2": {"member2"},
    "outsider": {"outsider"},
    "viewer": {"owner"},  # owner's account is shared with viewer (read)
    "finance": set(),
}
# tickets each role may change: writable accounts for sales roles, everything for the desk and admins
EXPECTED_WRITABLE = {**EXPECTED_TICKETS, "member": {"member"}, "viewer": set()}


def keys(tickets, qs) -> set[str]:
    by_pk = {ticket.pk: key for key, ticket in tickets.items()}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True)}


@pytest.mark.parametrize("who", list(EXPECTED_TICKETS))
def test_each_role_sees_exactly_the_expected_tickets(team, tickets, who):
    user = getattr(team, who)
    assert keys(tickets, selectors.tickets(actor=user)) == EXPECTED_TICKETS[who]
    writable = Ticket.objects.filter(selectors.tickets_q(access_of(user), write=True))
    assert keys(tickets, writable) == EXPECTED_WRITABLE[who]


@pytest.mark.parametrize("who", list(EXPECTED_TICKETS))
def test_account_tickets_is_the_same_scope_for_one_account(team, accounts, tickets, who):
    user = getattr(team, who)
    visible = selectors.account_tickets(actor=user, account=accounts["member"])
    assert keys(tickets, visible) == ({"member"} & EXPECTED_TICKETS[who])


def test_account_tickets_lists_unfinished_first_then_newest(team, accounts):
    # given three tickets of one account, the newest one resolved
    first = open_ticket(team.support, accounts["member"], now=T0)
    second = open_ticket(team.support, accounts["member"], now=T0 + hours(1))
    third = open_ticket(team.support, accounts["member"], now=T0 + hours(2))
    services.ticket_resolve(actor=team.support, ticket=third, resolution="Done", now=T0 + hours(3))
    # then the 360 view lists the unfinished ones newest first, then the finished one
    listed = selectors.account_tickets(actor=team.member, account=accounts["member"], now=T0 + hours(4))
    assert list(listed.values_list("pk", flat=True)) == [second.pk, first.pk, third.pk]


def test_read_only_ticket_refuses_changes_and_nothing_changes(team, accounts, tickets):
    # given member reads the outsider's ticket through a read-only share, and viewer the owner's
    cases = [(team.member, tickets["outsider"]), (team.viewer, tickets["owner"])]
    for user, ticket in cases:
        # when they try to work it, then every action is forbidden (403, not 404)
        with pytest.raises(PermissionDenied):
            services.ticket_update(actor=user, ticket=ticket, data={"subject": "Hacked"})
        with pytest.raises(PermissionDenied):
            services.ticket_respond(actor=user, ticket=ticket)
        with pytest.raises(PermissionDenied):
            services.ticket_close(actor=user, ticket=ticket)
        with pytest.raises(PermissionDenied):
            services.ticket_assign(actor=user, ticket=ticket, assignee=None)
        # and the ticket is unchanged
        stored = Ticket.objects.get(pk=ticket.pk)
        assert (stored.subject, stored.status, stored.first_responded_at) == (ticket.subject, "new", None)


@pytest.mark.parametrize("who", ["member2", "outsider", "finance"])
def test_invisible_ticket_is_absent_not_forbidden_and_unchanged(team, tickets, who):
    user = getattr(team, who)
    ticket = tickets["member"]
    with pytest.raises(Http404):
        services.ticket_update(actor=user, ticket=ticket, data={"subject": "Hacked"})
    with pytest.raises(Http404):
        services.ticket_resolve(actor=user, ticket=ticket, resolution="x")
    with pytest.raises(Http404):
        services.ticket_delete(actor=user, ticket=ticket)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.subject, stored.status) == ("Member Co problem", "new")


@pytest.mark.parametrize("who", ["viewer", "finance"])
def test_read_only_roles_cannot_open_tickets(team, accounts, who):
    before = Ticket.objects.count()
    with pytest.raises(PermissionDenied):
        open_ticket(getattr(team, who), accounts["owner"])
    assert Ticket.objects.count() == before


def test_sales_roles_open_tickets_only_on_accounts_they_change(team, accounts):
    before = Ticket.objects.count()
    # when member files on an account shared read-only, or one they cannot see, then the account is refused
    with pytest.raises(ValidationError) as read_only:
        open_ticket(team.member, accounts["outsider"])
    with pytest.raises(ValidationError) as hidden:
        open_ticket(team.member, accounts["member2"])
    assert read_only.value.error_dict["account"][0].code == "read_only"
    assert hidden.value.error_dict["account"][0].code == "does_not_exist"
    assert Ticket.objects.count() == before
    # and on their own account they can, the account owner owning the ticket
    ticket = open_ticket(team.member, accounts["member"])
    assert (ticket.owner_id, ticket.created_by_id, ticket.status) == (team.member.pk, team.member.pk, "new")


def test_owner_is_the_account_owner_else_the_creator(team, accounts):
    # when the desk opens tickets on an owned account and on a pool account
    owned = open_ticket(team.support, accounts["member"])
    pooled = open_ticket(team.support, accounts["pool"])
    # then the salesperson owns the first, the support agent who opened it the second
    assert (owned.owner_id, pooled.owner_id) == (team.member.pk, team.support.pk)


def test_only_owners_and_admins_delete_tickets(team, tickets):
    for who in ("support", "member"):
        with pytest.raises(PermissionDenied):
            services.ticket_delete(actor=getattr(team, who), ticket=tickets["member"])
    assert Ticket.objects.filter(pk=tickets["member"].pk).exists()
    services.ticket_delete(actor=team.admin, ticket=tickets["member"])
    assert not Ticket.objects.filter(pk=tickets["member"].pk).exists()


def test_contact_must_belong_to_the_ticket_account(team, accounts):
    theirs = Contact.objects.get(name="member2 contact")
    mine = Contact.objects.get(name="member contact")
    with pytest.raises(ValidationError) as error:
        open_ticket(team.support, accounts["member"], contact=theirs.pk)
    assert error.value.error_dict["contact"][0].code == "invalid"
    assert open_ticket(team.support, accounts["member"], contact=mine.pk).contact_id == mine.pk


def test_assignee_must_work_this_accounts_tickets(team, accounts):
    ticket = open_ticket(team.support, accounts["member"])
    # refused: finance and viewers work no tickets; member2 cannot change member's account
    for user in (team.finance, team.viewer, team.member2):
        with pytest.raises(ValidationError) as error:
            services.ticket_assign(actor=team.support, ticket=ticket, assignee=user.pk)
        assert error.value.error_dict["assignee"][0].code == "invalid_assignee"
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    # accepted: the account's salesperson, then another support agent, then nobody
    assert services.ticket_assign(actor=team.support, ticket=ticket, assignee=team.member.pk).assignee_id == \
        team.member.pk
    assert services.ticket_assign(actor=team.member, ticket=ticket, assignee=team.support).assignee_id == \
        team.support.pk
    assert services.ticket_assign(actor=team.support, ticket=ticket, assignee=None).assignee_id is None


# --- support and the records behind tickets ------------------------------------------------------

def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_a_ticket_brings_exactly_its_account_and_contacts_into_supports_view(team, accounts):
    # given no tickets, support sees no accounts and no people
    assert names(record_selectors.accounts(actor=team.support)) == set()
    assert names(record_selectors.contacts(actor=team.support)) == set()
    # when the desk opens a ticket on Member Co
    open_ticket(team.support, accounts["member"])
    # then exactly that account and its people become readable to support, and still no deals
    assert names(record_selectors.accounts(actor=team.support)) == {"Member Co"}
    assert names(record_selectors.contacts(actor=team.support)) == {"member contact"}
    assert names(record_selectors.deals(actor=team.support)) == set()
    # and other roles' views did not change
    assert names(record_selectors.accounts(actor=team.member2)) == {"Member Two Co"}


def test_support_cannot_change_the_account_or_contacts_it_reads(team, accounts):
    # given support reads Member Co through a ticket
    open_ticket(team.support, accounts["member"])
    account = accounts["member"]
    contact = Contact.objects.get(name="member contact")
    # when support tries to change, share, release or delete them, then each is forbidden
    with pytest.raises(PermissionDenied):
        records.account_update(actor=team.support, account=account, data={"name": "Hacked"})
    with pytest.raises(PermissionDenied):
        records.account_release(actor=team.support, account=account)
    with pytest.raises(PermissionDenied):
        records.account_share(actor=team.support, account=account, user=team.support, access="write")
    with pytest.raises(PermissionDenied):
        records.contact_update(actor=team.support, contact=contact, data={"name": "Hacked"})
    with pytest.raises(PermissionDenied):
        records.contact_delete(actor=team.support, contact=contact)
    with pytest.raises(PermissionDenied):
        records.contact_create(actor=team.support, data={"name": "New", "account": account.pk})
    # and nothing changed
    stored = Account.objects.get(pk=account.pk)
    assert (stored.name, stored.owner_id, stored.shares.count()) == ("Member Co", team.member.pk, 0)
    assert Contact.objects.get(pk=contact.pk).name == "member contact"
    assert Contact.objects.filter(account=account).count() == 1


def test_support_reads_the_account_over_the_api_but_cannot_patch_it(team, accounts, alpha):
    from django_tenants.utils import schema_context

    with schema_context(alpha.schema_name):
        open_ticket(team.support, accounts["member"])
        contact = Contact.objects.get(name="member contact")
    api = api_for(team.support)
    assert api.get(f"/api/v1/accounts/{accounts['member'].pk}").json()["name"] == "Member Co"
    assert api.get(f"/api/v1/contacts/{contact.pk}").json()["name"] == "member contact"
    assert api.get(f"/api/v1/accounts/{accounts['member2'].pk}").status_code == 404
    assert api.patch(f"/api/v1/accounts/{accounts['member'].pk}", {"name": "Hacked"},
                     format="json").status_code == 403
    assert api.patch(f"/api/v1/contacts/{contact.pk}", {"name": "Hacked"}, format="json").status_code == 403
    with schema_context(alpha.schema_name):
        assert Account.objects.get(pk=accounts["member"].pk).name == "Member Co"
        assert Contact.objects.get(pk=contact.pk).name == "member contact"
