"""The activities and tasks write path: validation, links, completion, merge, my tasks and overdue."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.activities import merges, selectors, services
from core.activities.models import Activity, Task
from core.audit.models import AuditEntry, FieldChange
from core.records import services as record_services


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in items] for field, items in error.error_dict.items()}


def test_activity_validation_names_every_field(team, in_alpha):
    # given a payload wrong in five ways
    before = Activity.objects.count()
    # when it is logged
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=team.member, data={
            "kind": "fax", "subject": "", "occurred_at": "yesterday", "duration_minutes": -5, "color": "red"})
    # then every failing field is named with its code, and nothing was written
    assert codes(error.value) == {"kind": ["invalid_choice"], "subject": ["required"], "occurred_at": ["invalid"],
                                  "duration_minutes": ["min_value"], "color": ["unknown_field"]}
    assert Activity.objects.count() == before


def test_task_validation_names_every_field(team, in_alpha):
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=team.member, data={"due_at": "31/12/2026", "remind_at": 5, "assignee": "me"})
    assert codes(error.value) == {"title": ["required"], "due_at": ["invalid"], "remind_at": ["invalid"],
                                  "assignee": ["invalid"]}


def test_activity_keeps_history_audit_and_times(team, in_alpha):
    # given a call logged with a time in Shanghai
    call = services.activity_create(actor=team.member, data={
        "kind": "call", "subject": "First call", "occurred_at": "2026-03-01T09:30:00+08:00", "duration_minutes": 15})
    # when its outcome is changed
    services.activity_update(actor=team.member, activity=call, data={"outcome": "Wants a quote"})
    # then the time is stored as that instant, the author defaulted to the actor, and history and audit agree
    call.refresh_from_db()
    assert call.occurred_at == dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)
    assert (call.author_id, call.created_by_id) == (team.member.pk, team.member.pk)
    assert list(AuditEntry.objects.filter(entity="activity", record_id=call.pk).order_by("id")
                .values_list("action", flat=True)) == ["create", "update"]
    assert list(FieldChange.objects.filter(entity="activity", record_id=call.pk, field="outcome")
                .values_list("old_value", "new_value")) == [("", "Wants a quote")]


def test_occurred_at_defaults_to_now_and_cannot_be_cleared(team, in_alpha):
    start = timezone.now()
    call = services.activity_create(actor=team.member, data={"kind": "wechat", "subject": "Hi"})
    assert call.occurred_at >= start
    with pytest.raises(ValidationError) as error:
        services.activity_update(actor=team.member, activity=call, data={"occurred_at": None})
    assert codes(error.value) == {"occurred_at": ["required"]}


def test_linking_a_deal_fills_its_account_and_deleting_the_deal_keeps_the_activity(team, in_alpha):
    # given a member's account and deal
    account = record_services.account_create(actor=team.member, data={"name": "Linked Co"})
    deal = record_services.deal_create(actor=team.member, data={"name": "Order", "account": account.pk})
    # when a visit is logged on the deal only
    visit = services.activity_create(actor=team.member, data={"kind": "visit", "subject": "Site visit",
                                                              "deal": deal.pk})
    # then it carries the deal's account, so it is on the account's timeline
    assert (visit.account_id, visit.deal_id) == (account.pk, deal.pk)
    # when the deal is deleted, then the visit stays on the account (SET_NULL)
    record_services.deal_delete(actor=team.member, deal=deal)
    assert Activity.objects.filter(pk=visit.pk).values_list("account_id", "deal_id").get() == (account.pk, None)
    assert [a.subject for a in selectors.account_timeline_activities(actor=team.member, account=account)] == [
        "Site visit"]


def test_links_must_agree(team, in_alpha):
    # given two accounts of the member, a deal and a contact under the first
    first = record_services.account_create(actor=team.member, data={"name": "First Co"})
    second = record_services.account_create(actor=team.member, data={"name": "Second Co"})
    deal = record_services.deal_create(actor=team.member, data={"name": "Order", "account": first.pk})
    contact = record_services.contact_create(actor=team.member, data={"name": "Li", "account": first.pk})
    before = Activity.objects.count()
    # when a call names the second account with the first's deal, or its contact
    with pytest.raises(ValidationError) as deal_error:
        services.activity_create(actor=team.member, data={"kind": "call", "subject": "x", "account": second.pk,
                                                          "deal": deal.pk})
    with pytest.raises(ValidationError) as contact_error:
        services.task_create(actor=team.member, data={"title": "x", "account": second.pk, "contact": contact.pk})
    # then the deal / contact field is refused and nothing was written
    assert codes(deal_error.value) == {"deal": ["invalid"]}
    assert codes(contact_error.value) == {"contact": ["invalid"]}
    assert Activity.objects.count() == before


def test_unseen_contact_or_deal_is_no_such_record(team, in_alpha):
    # given member2's contact and deal, which member cannot see
    account = record_services.account_create(actor=team.member2, data={"name": "Other Co"})
    contact = record_services.contact_create(actor=team.member2, data={"name": "Zhao", "account": account.pk})
    deal = record_services.deal_create(actor=team.member2, data={"name": "Order", "account": account.pk})
    # when member links them, then both are "does not exist", like absent ids
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=team.member, data={"kind": "call", "subject": "x", "contact": contact.pk})
    assert codes(error.value) == {"contact": ["does_not_exist"]}
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=team.member, data={"title": "x", "deal": deal.pk})
    assert codes(error.value) == {"deal": ["does_not_exist"]}
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=team.member, data={"title": "x", "deal": 99999999})
    assert codes(error.value) == {"deal": ["does_not_exist"]}


def test_complete_sets_done_at_once_and_reopen_clears_it(team, in_alpha):
    # given an open task
    task = services.task_create(actor=team.member, data={"title": "Send quote"})
    # when completed twice
    first = services.task_complete(actor=team.member, task=task)
    done_at = first.done_at
    second = services.task_complete(actor=team.member, task=task)
    # then done once: the time of the first completion, one "done" history entry
    assert (second.done, second.done_at) == (True, done_at)
    assert FieldChange.objects.filter(entity="task", record_id=task.pk, field="done").count() == 1
    # when reopened, then done_at is cleared
    reopened = services.task_update(actor=team.member, task=task, data={"done": False})
    assert (reopened.done, reopened.done_at) == (False, None)


def test_new_reminder_time_is_a_new_reminder(team, in_alpha):
    # given a task whose reminder was sent
    task = services.task_create(actor=team.member, data={"title": "Call back",
                                                         "remind_at": timezone.now() - dt.timedelta(minutes=1)})
    assert services.task_send_due_reminders() == 1
    assert Task.objects.get(pk=task.pk).reminded_at is not None
    # when the reminder is moved, then it will be sent again
    services.task_update(actor=team.member, task=task, data={"remind_at": timezone.now() + dt.timedelta(hours=1)})
    assert Task.objects.get(pk=task.pk).reminded_at is None
    # when only the title changes, then the reminder state is kept
    services.task_update(actor=team.member, task=task, data={"title": "Call back soon"})
    assert Task.objects.get(pk=task.pk).reminded_at is None


def test_my_tasks_and_overdue(team, in_alpha):
    # given tasks: member's overdue, due later, undated, done overdue; member2's overdue; one given by member
    now = timezone.now()

    def task(actor, title, **data):
        return services.task_create(actor=actor, data={"title": title, **data})

    task(team.member, "Later", due_at=now + dt.timedelta(days=2))
    task(team.member, "Undated")
    task(team.member, "Late", due_at=now - dt.timedelta(hours=3))
    task(team.member, "Very late", due_at=now - dt.timedelta(days=3))
    done = task(team.member, "Done late", due_at=now - dt.timedelta(days=1))
    services.task_complete(actor=team.member, task=done)
    task(team.member2, "Member2 late", due_at=now - dt.timedelta(days=1))
    task(team.member, "Given away", assignee=team.member2.pk, due_at=now - dt.timedelta(days=5))
    # when reading my tasks and overdue ones
    mine = [t.title for t in selectors.my_tasks(actor=team.member)]
    overdue = [t.title for t in selectors.overdue_tasks(actor=team.member)]
    team_overdue = [t.title for t in selectors.overdue_tasks(actor=team.manager)]
    # then: my open tasks soonest first, undated last; overdue among what each sees, oldest first
    assert mine == ["Very late", "Late", "Later", "Undated"]
    assert overdue == ["Given away", "Very late", "Late"]
    assert team_overdue == ["Given away", "Very late", "Member2 late", "Late"]


def test_activities_and_tasks_follow_a_merged_account_with_a_trail(team, in_alpha):
    # given an account with two activities and a task, and another account
    source = record_services.account_create(actor=team.owner, data={"name": "Source"})
    target = record_services.account_create(actor=team.owner, data={"name": "Target"})
    for subject in ("One", "Two"):
        services.activity_create(actor=team.owner, data={"kind": "call", "subject": subject, "account": source.pk})
    task = services.task_create(actor=team.owner, data={"title": "Follow up", "account": source.pk})
    # when moved (the merge mover this app registers)
    counts = merges.move_with_account(actor=team.owner, from_record=source, to_record=target)
    # then the counts and the rows agree
    assert counts == {"activities": 2, "tasks": 1}
    assert Activity.objects.filter(account_id=target.pk).count() == 2
    assert Task.objects.get(pk=task.pk).account_id == target.pk
    # and each moved row has its field history and audit entry, naming both accounts
    change = FieldChange.objects.get(entity="task", record_id=task.pk, field="account", new_value=target.pk)
    assert (change.old_value, change.new_value, change.actor_id) == (source.pk, target.pk, team.owner.pk)
    assert AuditEntry.objects.filter(entity="activity", action="update", fields=["account"]).count() == 2


def test_merge_moves_activities_and_tasks_to_the_survivor(team, in_alpha):
    # given two accounts with an activity and a task each
    survivor = record_services.account_create(actor=team.owner, data={"name": "Acme"})
    other = record_services.account_create(actor=team.owner, data={"name": "ACME Co., Ltd."})
    kept = services.activity_create(actor=team.owner, data={"kind": "call", "subject": "Kept", "account": survivor.pk})
    moved = services.activity_create(actor=team.owner, data={"kind": "call", "subject": "Moved",
                                                             "account": other.pk})
    moved2 = services.activity_create(actor=team.owner, data={"kind": "note", "subject": "Moved too",
                                                              "account": other.pk})
    task = services.task_create(actor=team.owner, data={"title": "Follow up", "account": other.pk})
    # when merged
    record_services.account_merge(actor=team.owner, survivor=survivor, other=other)
    # then everything hangs under the survivor, and the merge's audit entry counts what moved
    assert set(Activity.objects.filter(pk__in=[kept.pk, moved.pk, moved2.pk]).values_list("account_id", flat=True)) \
        == {survivor.pk}
    assert Task.objects.get(pk=task.pk).account_id == survivor.pk
    old, counts = AuditEntry.objects.get(action="merge", record_id=survivor.pk).changes["moved"]
    assert (old, counts["activities"], counts["tasks"]) == (None, 2, 1)  # other apps add their own counts


def test_editing_other_fields_ignores_links_that_drifted(team, in_alpha):
    # given a call on a deal, whose deal was later moved to another account
    first = record_services.account_create(actor=team.member, data={"name": "First Co"})
    second = record_services.account_create(actor=team.member, data={"name": "Second Co"})
    deal = record_services.deal_create(actor=team.member, data={"name": "Order", "account": first.pk})
    call = services.activity_create(actor=team.member, data={"kind": "call", "subject": "Call", "deal": deal.pk})
    record_services.deal_update(actor=team.member, deal=deal, data={"account": second.pk})
    # when only the outcome is edited, then it is saved and the links stay as they were
    services.activity_update(actor=team.member, activity=call, data={"outcome": "Ordered"})
    assert Activity.objects.filter(pk=call.pk).values_list("outcome", "account_id", "deal_id").get() == (
        "Ordered", first.pk, deal.pk)


def test_lead_and_ticket_links_must_be_visible_records(team, in_alpha):
    from django.core.exceptions import ValidationError

    from core.activities import services as activity_services
    from core.activities.models import Activity
    from core.leads import services as lead_services

    foreign = lead_services.lead_create(actor=team.owner, data={"name": "Hidden lead", "owner": team.outsider.pk})
    mine = lead_services.lead_create(actor=team.member, data={"name": "My lead"})
    before = Activity.objects.count()
    for bad in ({"lead": foreign.pk}, {"lead": 987654}, {"ticket": 987654}):
        with pytest.raises(ValidationError) as error:
            activity_services.activity_create(actor=team.member, data={"kind": "call", "subject": "x", **bad})
        field = next(iter(bad))
        assert [e.code for e in error.value.error_dict[field]] == ["does_not_exist"]
    assert Activity.objects.count() == before
    made = activity_services.activity_create(actor=team.member, data={"kind": "call", "subject": "ok",
                                                                      "lead": mine.pk})
    assert made.lead_id == mine.pk
