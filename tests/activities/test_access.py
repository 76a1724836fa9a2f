"""Who sees and changes which activities and tasks: exact sets per role; denials change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.activities import selectors, services
from core.activities.models import Activity, Task

ALL_ACTIVITIES = {"Member call", "Member Two call", "Outsider call", "Owner call", "Pool call", "Ticket call",
                  "Lonely note"}
EXPECTED_ACTIVITIES = {
    "owner": ALL_ACTIVITIES,
    "admin": ALL_ACTIVITIES,
    "manager": {"Member call", "Member Two call", "Lonely note"},  # the team's accounts and contacts
    "member": {"Member call", "Outsider call"},  # own account, and the one shared with them
    "member2": {"Member Two call", "Lonely note"},  # own account, own contact (no account)
    "outsider": {"Outsider call"},
    "viewer": {"Member call"},  # Member Co is shared with the viewer
    "support": {"Ticket call"},  # the ones they wrote
    "finance": set(),
}

ALL_TASKS = {"Member follow-up", "Send invoice", "Owner asks member2", "Outsider follow-up", "Call back on ticket"}
EXPECTED_TASKS = {
    "owner": ALL_TASKS,
    "admin": ALL_TASKS,
    "manager": {"Member follow-up", "Owner asks member2"},  # given to or made by the team
    "member": {"Member follow-up", "Outsider follow-up"},
    "member2": {"Owner asks member2"},
    "outsider": {"Outsider follow-up"},
    "viewer": {"Member follow-up"},
    "support": {"Call back on ticket"},
    "finance": {"Send invoice"},
}


@pytest.mark.parametrize("who", list(EXPECTED_ACTIVITIES))
def test_activities_each_role_sees_exactly(team, book, who):
    # given the book; when a role lists activities
    seen = set(selectors.activities(actor=getattr(team, who)).values_list("subject", flat=True))
    # then exactly the expected ones
    assert seen == EXPECTED_ACTIVITIES[who]


@pytest.mark.parametrize("who", list(EXPECTED_TASKS))
def test_tasks_each_role_sees_exactly(team, book, who):
    # given the book; when a role lists tasks
    seen = set(selectors.tasks(actor=getattr(team, who)).values_list("title", flat=True))
    # then exactly the expected ones
    assert seen == EXPECTED_TASKS[who]


@pytest.mark.parametrize("who", ["owner", "member", "support"])
def test_account_timeline_shows_the_visible_activities_of_one_account(team, book, who):
    # given activities on Member Co: the member's call, a later meeting by the owner, a note by support
    account = book.accounts["member"]
    services.activity_create(actor=team.owner, data={"kind": "meeting", "subject": "Owner meeting",
                                                     "account": account.pk, "occurred_at": "2030-01-02T10:00Z"})
    services.activity_create(actor=team.member, data={"kind": "note", "subject": "Old note", "account": account.pk,
                                                      "occurred_at": "2020-01-02T10:00Z"})
    # when the account's timeline is read
    timeline = selectors.account_timeline_activities(actor=getattr(team, who), account=account)
    # then newest first, scoped: support sees none on an account, the member sees all of their account's
    expected = {"owner": ["Owner meeting", "Member call", "Old note"],
                "member": ["Owner meeting", "Member call", "Old note"],
                "support": []}[who]
    assert [a.subject for a in timeline] == expected


def test_account_timeline_respects_limit(team, book):
    # given three activities on Member Co; when asking for two
    account = book.accounts["member"]
    services.activity_create(actor=team.member, data={"kind": "visit", "subject": "Later visit",
                                                      "account": account.pk, "occurred_at": "2031-01-01T08:00Z"})
    services.activity_create(actor=team.member, data={"kind": "visit", "subject": "Latest visit",
                                                      "account": account.pk, "occurred_at": "2032-01-01T08:00Z"})
    timeline = selectors.account_timeline_activities(actor=team.member, account=account, limit=2)
    # then only the two newest
    assert [a.subject for a in timeline] == ["Latest visit", "Later visit"]


def test_read_only_shared_activity_is_forbidden_to_change_and_unchanged(team, book):
    # given the outsider's call on Outsider Co, which is shared read-only with member
    call = book.activities["outsider"]
    # when member edits or deletes it
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=team.member, activity=call, data={"subject": "Hacked"})
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=team.member, activity=call)
    # then nothing changed
    assert Activity.objects.get(pk=call.pk).subject == "Outsider call"


@pytest.mark.parametrize("who", ["member2", "outsider", "support", "finance"])
def test_invisible_activity_and_task_are_absent_and_unchanged(team, book, who):
    # given the member's call and task, which these roles cannot see
    user = getattr(team, who)
    # when they try to change them, then they are told "not found"
    with pytest.raises(Http404):
        services.activity_update(actor=user, activity=book.activities["member"], data={"subject": "Hacked"})
    with pytest.raises(Http404):
        services.activity_delete(actor=user, activity=book.activities["member"])
    with pytest.raises(Http404):
        services.task_complete(actor=user, task=book.tasks["member"])
    with pytest.raises(Http404):
        services.task_delete(actor=user, task=book.tasks["member"])
    # and nothing changed
    assert Activity.objects.get(pk=book.activities["member"].pk).subject == "Member call"
    assert Task.objects.get(pk=book.tasks["member"].pk).done is False


@pytest.mark.parametrize("who", ["viewer", "finance"])
def test_read_only_roles_cannot_log_activities(team, book, who):
    # given the activity count; when a read-only role logs a call
    before = Activity.objects.count()
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=getattr(team, who), data={"kind": "call", "subject": "Nope"})
    # then nothing was written
    assert Activity.objects.count() == before


@pytest.mark.parametrize("who", ["viewer", "finance", "support"])
def test_roles_that_do_not_write_cannot_create_tasks(team, book, who):
    before = Task.objects.count()
    with pytest.raises(PermissionDenied):
        services.task_create(actor=getattr(team, who), data={"title": "Nope"})
    assert Task.objects.count() == before


def test_viewer_reads_but_cannot_change_or_complete(team, book):
    # given the member's call and task, visible to the viewer through the share
    # when the viewer changes them, then forbidden and unchanged
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=team.viewer, activity=book.activities["member"], data={"subject": "x"})
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=team.viewer, task=book.tasks["member"])
    assert Activity.objects.get(pk=book.activities["member"].pk).subject == "Member call"
    assert Task.objects.get(pk=book.tasks["member"].pk).done is False


def test_support_logs_on_tickets_but_cannot_link_accounts(team, book):
    # given support, who may not change any account
    before = Activity.objects.count()
    # when support links a call to an account, then the account is "no such record" and nothing is written
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=team.support, data={"kind": "call", "subject": "On account",
                                                           "account": book.accounts["member"].pk})
    assert [(e.code) for e in error.value.error_dict["account"]] == ["does_not_exist"]
    assert Activity.objects.count() == before
    # when support logs a call on a ticket and edits it, then it is theirs
    ticket_id = book.activities["support"].ticket_id
    call = services.activity_create(actor=team.support, data={"kind": "call", "subject": "Ticket call 2",
                                                              "ticket": ticket_id})
    services.activity_update(actor=team.support, activity=call, data={"outcome": "Solved"})
    assert Activity.objects.filter(pk=call.pk).values_list("author_id", "ticket_id", "outcome").get() == (
        team.support.pk, ticket_id, "Solved")


def test_a_call_on_a_ticket_is_on_the_customers_timeline(team, book):
    # given a ticket of Owner Co, which the owner and admins see and the viewer does not
    from core.overview.selectors import account_overview
    from core.records.selectors import account_for_read
    from core.service.models import Ticket

    ticket = Ticket.objects.get(subject="Printer on fire")
    # when support logs a call on the ticket alone
    call = services.activity_create(actor=team.support, data={"kind": "call", "subject": "Called back",
                                                              "ticket": ticket.pk})
    # then it carries the ticket's account and shows on the account's 360 view for those who see it
    assert call.account_id == ticket.account_id
    for reader in (team.owner, team.admin):
        overview = account_overview(actor=reader, account=book.accounts["owner"])
        assert "Called back" in {a.subject for a in overview["activities"]}
    # and a reader outside the account sees none of it, even if a caller skipped the account's lookup
    with pytest.raises(Http404):
        account_for_read(actor=team.viewer, pk=book.accounts["owner"].pk)
    assert account_overview(actor=team.viewer, account=book.accounts["owner"])["activities"] == []
    # and a ticket of another account than the one linked is refused, with nothing written
    before = Activity.objects.count()
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=team.owner, data={"kind": "call", "subject": "Mixed up",
                                                         "ticket": ticket.pk, "account": book.accounts["member"].pk})
    assert [e.code for e in error.value.error_dict["ticket"]] == ["invalid"]
    assert Activity.objects.count() == before


def test_assignee_in_a_read_only_role_completes_their_own_task(team, book):
    # given a task given to finance; when finance completes it
    task = services.task_complete(actor=team.finance, task=book.tasks["finance"])
    # then it is done, with the time
    assert (task.done, task.done_at is not None) == (True, True)
    assert Task.objects.get(pk=task.pk).done is True


def test_member_cannot_link_an_account_they_only_read(team, book):
    # given Outsider Co, shared read-only with member
    before = Activity.objects.count()
    # when member logs a call on it
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=team.member, data={"kind": "call", "subject": "x",
                                                          "account": book.accounts["outsider"].pk})
    # then the account field is read-only and nothing was written
    assert [e.code for e in error.value.error_dict["account"]] == ["read_only"]
    assert Activity.objects.count() == before


def test_author_is_oneself_or_ones_team(team, book):
    # when member logs a call in member2's name, then refused
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=team.member, data={"kind": "call", "subject": "x",
                                                          "author": team.member2.pk})
    assert [e.code for e in error.value.error_dict["author"]] == ["author_not_allowed"]
    # when the manager logs one in member's name, then it is member's
    call = services.activity_create(actor=team.manager, data={"kind": "call", "subject": "For member",
                                                              "author": team.member.pk})
    assert (call.author_id, call.created_by_id) == (team.member.pk, team.manager.pk)


def test_assignee_must_be_an_active_user(team, book):
    # given a deactivated colleague
    from core.users.services import user_deactivate

    user_deactivate(actor=team.owner, user=team.outsider)
    before = Task.objects.count()
    # when a task is given to them, or to nobody that exists
    for assignee in (team.outsider.pk, 99999999):
        with pytest.raises(ValidationError) as error:
            services.task_create(actor=team.member, data={"title": "x", "assignee": assignee})
        assert [e.code for e in error.value.error_dict["assignee"]] == ["invalid"]
    # then nothing was written
    assert Task.objects.count() == before
