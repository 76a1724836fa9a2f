"""My tasks, overdue tasks, completing a task, the task form, and logging an activity from the account page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone
from django_tenants.utils import schema_context

from core.activities import services
from core.activities.models import Activity, Task
from core.audit.models import AuditEntry
from tests.web.conftest import login


def test_my_tasks_and_overdue(team, book, alpha):
    now = timezone.now()
    with schema_context(alpha.schema_name):
        late = services.task_create(actor=team.member, data={"title": "Late call", "due_at": now - dt.timedelta(hours=2)})
        services.task_create(actor=team.member, data={"title": "Undated"})
        services.task_create(actor=team.member2, data={"title": "Someone else's"})
    client = login(team.member)
    mine = client.get("/tasks/")
    assert [task.title for task in mine.context["rows"]] == ["Late call", "回访王经理", "Undated"]
    html = mine.content.decode()
    assert 'class="overdue"' in html and book.mine.name in html  # the linked account, by name
    assert [task.pk for task in client.get("/tasks/overdue/").context["rows"]] == [late.pk]
    # a manager sees the team's overdue tasks, with their assignee
    overdue = login(team.manager).get("/tasks/overdue/")
    assert [task.pk for task in overdue.context["rows"]] == [late.pk]
    assert "Member" in overdue.content.decode()


def test_completing_a_task_by_post(team, book, alpha):
    client = login(team.member)
    response = client.post(f"/tasks/{book.task.pk}/complete/", {"next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    with schema_context(alpha.schema_name):
        task = Task.objects.get(pk=book.task.pk)
        assert task.done and task.done_at is not None
        assert AuditEntry.objects.filter(entity="task", record_id=task.pk, action="update").count() == 1
    assert client.get("/tasks/").context["rows"] == []
    # again (a double click): nothing more happens
    assert client.post(f"/tasks/{book.task.pk}/complete/").status_code == 302
    with schema_context(alpha.schema_name):
        assert Task.objects.get(pk=book.task.pk).done_at == task.done_at


def test_completing_a_task_from_htmx_swaps_the_row(team, book, alpha):
    response = login(team.member).post(f"/tasks/{book.task.pk}/complete/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'data-testid="task-done"' in html
    with schema_context(alpha.schema_name):
        assert Task.objects.get(pk=book.task.pk).done


def test_nobody_else_completes_a_members_task(team, book, alpha):
    assert login(team.member2).post(f"/tasks/{book.task.pk}/complete/").status_code == 404
    assert login(team.viewer).post(f"/tasks/{book.task.pk}/complete/").status_code == 404
    with schema_context(alpha.schema_name):
        assert not Task.objects.get(pk=book.task.pk).done


def test_task_form_reads_times_in_the_users_time_zone(team, book, alpha):
    client = login(team.member)
    bad = client.post("/tasks/new/", {"title": "", "due_at": "tomorrow", "assignee": team.member.pk})
    assert bad.status_code == 400
    assert {(f, e.code) for f, errors in bad.context["form"].errors.as_data().items() for e in errors} == {
        ("title", "required"), ("due_at", "invalid")}
    response = client.post(f"/tasks/new/?account={book.mine.pk}", {
        "title": "Send the quote", "due_at": "2026-05-01T14:30", "assignee": team.member2.pk, "account": book.mine.pk,
        "deal": book.deal.pk})
    assert response.status_code == 302 and response["Location"] == f"/accounts/{book.mine.pk}/"
    with schema_context(alpha.schema_name):
        task = Task.objects.get(title="Send the quote")
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")  # alpha's time zone
    assert task.due_at == dt.datetime(2026, 5, 1, 14, 30, tzinfo=shanghai)
    assert (task.assignee_id, task.account_id, task.deal_id, task.created_by_id) == (
        team.member2.pk, book.mine.pk, book.deal.pk, team.member.pk)
    # the edit form shows the same local time, and only a change is written
    edit = client.get(f"/tasks/{task.pk}/edit/")
    assert 'value="2026-05-01T14:30"' in edit.content.decode()


def test_logging_an_activity_on_the_account_page(team, book, alpha):
    client = login(team.member)
    page = client.get(f"/accounts/{book.mine.pk}/").content.decode()
    assert 'data-testid="activity-form"' in page and 'name="log-account"' in page
    response = client.post(f"/activities/new/?account={book.mine.pk}", {
        "next": f"/accounts/{book.mine.pk}/#activities", "log-kind": "call", "log-subject": "电话确认报价",
        "log-account": book.mine.pk, "log-contact": book.contact.pk, "log-deal": book.deal.pk,
        "log-duration_minutes": "15", "log-outcome": "同意下周签约"})
    assert response.status_code == 302 and response["Location"] == f"/accounts/{book.mine.pk}/#activities"
    with schema_context(alpha.schema_name):
        activity = Activity.objects.get(subject="电话确认报价")
    assert (activity.kind, activity.account_id, activity.contact_id, activity.deal_id, activity.author_id,
            activity.duration_minutes) == ("call", book.mine.pk, book.contact.pk, book.deal.pk, team.member.pk, 15)
    # a refusal (no subject) comes back on the activity form with the service's error
    bad = client.post(f"/activities/new/?account={book.mine.pk}", {
        "log-kind": "call", "log-subject": "", "log-account": book.mine.pk})
    assert bad.status_code == 400 and 'data-error-for="subject"' in bad.content.decode()
    # someone who may not change the account cannot log on it
    other = login(team.member2).post(f"/activities/new/?account={book.mine.pk}", {
        "log-kind": "call", "log-subject": "Sneaky", "log-account": book.mine.pk})
    assert other.status_code == 400
    with schema_context(alpha.schema_name):
        assert not Activity.objects.filter(subject__in=["", "Sneaky"]).exists()
