"""Task reminders: the beat task emails each due reminder exactly once, in the assignee's language."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from core.activities import services
from core.activities.models import Task
from core.users.services import user_deactivate, user_update_profile
from tenants.tasks import send_task_reminders_all

DUE = dt.datetime(2030, 1, 2, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def reminders(team, alpha):
    """Due reminders for member (workspace language) and member2 (English, London); others not due."""
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.member2, language="en", time_zone="Europe/London")
        past, future = timezone.now() - dt.timedelta(minutes=5), timezone.now() + dt.timedelta(hours=1)

        def task(title, assignee, **data):
            return services.task_create(actor=team.owner, data={"title": title, "assignee": assignee.pk, **data})

        due = {
            "member": task("Call Mr Wang", team.member, remind_at=past, due_at=DUE),
            "member2": task("Send the quote & samples", team.member2, remind_at=past, due_at=DUE),
        }
        task("Not yet", team.member, remind_at=future)
        done = task("Already done", team.member, remind_at=past)
        services.task_complete(actor=team.owner, task=done)
        task("No reminder", team.member)
        gone = task("Left the company", team.outsider, remind_at=past)
        user_deactivate(actor=team.owner, user=team.outsider)
    connection.set_schema_to_public()
    return due, gone


def test_each_due_reminder_is_emailed_once(team, alpha, reminders):
    # given two due reminders, one for a deactivated user, and others not due
    due, gone = reminders
    mail.outbox.clear()
    # when the beat task runs twice (a redelivery, an overlapping beat)
    first = send_task_reminders_all()
    second = send_task_reminders_all()
    # then exactly one email per due task, to its assignee, and nothing the second time
    assert (first, second) == (2, 0)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        # member2 reads English; member follows the workspace's Chinese
        ("member2@alpha.test", "Reminder: Send the quote & samples"), ("member@alpha.test", "任务提醒：Call Mr Wang")]
    with schema_context(alpha.schema_name):
        marked = set(Task.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert marked == {due["member"].pk, due["member2"].pk, gone.pk}  # the deactivated user's is spent too


def test_reminder_is_in_the_assignees_language_and_time_zone(team, alpha, reminders, monkeypatch):
    # given the renderer watched: which language and time zone each email is written in
    seen = {}
    render = services.render_to_string

    def watching(template, context):
        seen[context["assignee"].email] = (translation.get_language(), timezone.get_current_timezone_name())
        return render(template, context)

    monkeypatch.setattr(services, "render_to_string", watching)
    mail.outbox.clear()
    # when the reminders go out
    send_task_reminders_all()
    # then member (no setting) gets the workspace's language and zone, member2 their own
    assert seen == {"member@alpha.test": ("zh-hans", "Asia/Shanghai"),
                    "member2@alpha.test": ("en", "Europe/London")}
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Send the quote & samples" in bodies["member2@alpha.test"]
    assert "Jan. 2, 2030, 1:30 a.m." in bodies["member2@alpha.test"]  # London time, English format
    assert "2030年1月2日 09:30" in bodies["member@alpha.test"]  # Shanghai time, Chinese format
