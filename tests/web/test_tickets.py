"""The ticket queue and a ticket's page: SLA order and countdowns, the actions through the services, scoping."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django_tenants.utils import schema_context

from core.audit.models import FieldChange
from core.records import services as record_services
from core.service import services
from core.service.models import Ticket
from tests.web.conftest import login


def _codes(form) -> set[tuple[str, str]]:
    return {(field, error.code) for field, errors in form.errors.as_data().items() for error in errors}


def test_queue_puts_a_breached_ticket_before_a_sooner_due_one(team, book, alpha):
    # given a fresh urgent ticket (due in 30 minutes) and a normal one opened 3 hours ago (response due 2 hours in)
    now = timezone.now()
    with schema_context(alpha.schema_name):
        fresh = services.ticket_create(actor=team.member, data={
            "account": book.mine.pk, "subject": "Fresh urgent", "priority": "urgent"}, now=now)
        late = services.ticket_create(actor=team.member, data={
            "account": book.mine.pk, "subject": "Late normal"}, now=now - dt.timedelta(hours=3))
    # when member opens the queue
    response = login(team.member).get("/tickets/")
    rows = response.context["rows"]
    # then the breached ticket comes first, then by the next deadline (urgent in 30 min before normal in 2 h)
    assert [t.pk for t in rows] == [late.pk, fresh.pk, book.ticket.pk]
    html = response.content.decode()
    assert html.index(f'data-ticket="{late.pk}"') < html.index(f'data-ticket="{fresh.pk}"')
    # the late one: a red countdown, about an hour overdue; the fresh one counts down from 30 minutes
    late_row = html[html.index(f'data-ticket="{late.pk}"'):html.index(f'data-ticket="{fresh.pk}"')]
    assert 'data-breached="true"' in late_row and "badge countdown badge-breached" in late_row
    assert rows[0].sla["next"]["minutes"] in (-61, -60)
    assert rows[1].sla["next"]["minutes"] in (29, 30) and not rows[1].sla["breached"]
    due = late.first_response_due_at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert f'data-due="{due}"' in late_row
    assert "web/countdown.js" in html and "data-countdown-words" in html


def test_queue_filters(team, book, alpha):
    now = timezone.now()
    with schema_context(alpha.schema_name):
        high = services.ticket_create(actor=team.owner, data={
            "account": book.mine.pk, "subject": "High one", "priority": "high", "assignee": team.member.pk}, now=now)
        done = services.ticket_create(actor=team.owner, data={"account": book.mine.pk, "subject": "Done one"}, now=now)
        services.ticket_resolve(actor=team.owner, ticket=done, resolution="Fixed")
    client = login(team.owner)

    def ids(query):
        return [t.pk for t in client.get("/tickets/", query).context["rows"]]

    assert done.pk not in ids({})  # the queue holds unfinished tickets
    assert ids({"status": "resolved"}) == [done.pk]
    assert ids({"priority": "high"}) == [high.pk]
    assert ids({"assignee": team.member.pk}) == [high.pk]
    assert ids({"mine": "true"}) == []
    assert login(team.member).get("/tickets/", {"mine": "true"}).context["rows"][0].pk == high.pk
    assert ids({"q": "High"}) == [high.pk]


def test_member_cannot_open_or_work_another_members_ticket(team, book, alpha):
    theirs = book.their_ticket
    client = login(team.member)
    with schema_context(alpha.schema_name):
        history_before = FieldChange.objects.count()
    # the same 404 as a ticket that does not exist
    assert client.get(f"/tickets/{theirs.pk}/").status_code == 404
    assert client.get("/tickets/999999/").status_code == 404
    assert client.get(f"/tickets/{theirs.pk}/edit/").status_code == 404
    for action, data in [("respond", {}), ("resolve", {"resolve-resolution": "Mine now"}), ("close", {}),
                         ("reopen", {}), ("assign", {"assign-assignee": team.member.pk}),
                         ("rate", {"rate-score": "1"})]:
        assert client.post(f"/tickets/{theirs.pk}/{action}/", data).status_code == 404, action
    assert client.post(f"/tickets/{theirs.pk}/edit/", {"subject": "Taken over"}).status_code == 404
    # and nothing changed
    with schema_context(alpha.schema_name):
        ticket = Ticket.objects.get(pk=theirs.pk)
        assert (ticket.status, ticket.subject, ticket.assignee_id, ticket.first_responded_at, ticket.resolution) == (
            "new", "Their problem", None, None, "")
        assert FieldChange.objects.count() == history_before


def test_resolve_with_an_empty_note_shows_the_services_field_error(team, book, alpha):
    client = login(team.member)
    response = client.post(f"/tickets/{book.ticket.pk}/resolve/", {"resolve-resolution": "  "})
    assert response.status_code == 400
    assert _codes(response.context["resolve_form"]) == {("resolution", "required")}
    html = response.content.decode()
    assert 'data-error-for="resolution"' in html
    with schema_context(alpha.schema_name), translation.override("zh-hans"):
        from django.utils.translation import gettext

        # the service's own words, in the user's language
        message = gettext("%(field)s is required.") % {"field": gettext("Resolution")}
    assert message in html
    with schema_context(alpha.schema_name):
        ticket = Ticket.objects.get(pk=book.ticket.pk)
        assert (ticket.status, ticket.resolved_at) == ("new", None)


def test_ticket_actions_call_the_services(team, book, alpha):
    client = login(team.member)
    url = f"/tickets/{book.ticket.pk}/"
    # rating before the resolution: the service refuses, next to the score
    refused = client.post(url + "rate/", {"rate-score": "5"})
    assert refused.status_code == 400
    assert _codes(refused.context["rate_form"]) == {("score", "not_resolved")}
    # respond, assign, resolve, rate, then reopen
    assert client.post(url + "respond/").status_code == 302
    assert client.post(url + "assign/", {"assign-assignee": team.member.pk}).status_code == 302
    bad = client.post(url + "assign/", {"assign-assignee": team.finance.pk})
    assert bad.status_code == 400 and _codes(bad.context["assign_form"]) == {("assignee", "invalid_assignee")}
    assert client.post(url + "resolve/", {"resolve-resolution": "重新安装驱动"}).status_code == 302
    assert client.post(url + "rate/", {"rate-score": "4", "rate-comment": "很快"}).status_code == 302
    with schema_context(alpha.schema_name):
        ticket = Ticket.objects.get(pk=book.ticket.pk)
    assert (ticket.status, ticket.assignee_id, ticket.resolution, ticket.satisfaction, ticket.satisfaction_comment) == (
        "resolved", team.member.pk, "重新安装驱动", 4, "很快")
    assert ticket.first_responded_at is not None
    page = client.get(url).content.decode()
    assert 'data-testid="reopen"' in page and 'data-testid="resolve-form"' not in page
    # a respond on a resolved ticket: the service's message as a form error
    again = client.post(url + "respond/")
    assert again.status_code == 400 and 'data-testid="form-errors"' in again.content.decode()
    assert client.post(url + "reopen/").status_code == 302
    with schema_context(alpha.schema_name):
        ticket = Ticket.objects.get(pk=book.ticket.pk)
    assert (ticket.status, ticket.resolved_at, ticket.satisfaction) == ("open", None, None)


def test_read_only_user_sees_no_actions_and_cannot_post_them(team, book, alpha):
    with schema_context(alpha.schema_name):
        record_services.account_share(actor=team.member, account=book.mine, user=team.outsider, access="read")
    client = login(team.outsider)
    page = client.get(f"/tickets/{book.ticket.pk}/")
    assert page.status_code == 200 and 'data-testid="ticket-actions"' not in page.content.decode()
    assert client.post(f"/tickets/{book.ticket.pk}/respond/").status_code == 403
    with schema_context(alpha.schema_name):
        assert Ticket.objects.get(pk=book.ticket.pk).status == "new"


def test_ticket_form_opens_a_ticket_on_an_account_the_user_may_change(team, book, alpha):
    with schema_context(alpha.schema_name):
        shared = record_services.account_create(actor=team.owner, data={"name": "Shared read-only",
                                                                        "owner": team.member2.pk})
        record_services.account_share(actor=team.owner, account=shared, user=team.member, access="read")
    client = login(team.member)
    # the menu offers the member's own account, not the one shared read-only with them
    menu = dict(client.get("/tickets/new/").context["form"].fields["account"].widget.choices)
    assert book.mine.pk in menu and shared.pk not in menu
    # posting it anyway: the service's field error (the form does not judge)
    refused = client.post("/tickets/new/", {"account": shared.pk, "subject": "Nope", "channel": "phone",
                                            "priority": "normal"})
    assert refused.status_code == 400
    assert _codes(refused.context["form"]) == {("account", "read_only")}
    assert 'data-error-for="account"' in refused.content.decode()
    response = client.post(f"/tickets/new/?account={book.mine.pk}", {
        "account": book.mine.pk, "contact": book.contact.pk, "subject": "网络故障", "channel": "wechat",
        "priority": "high", "category": "网络"})
    with schema_context(alpha.schema_name):
        ticket = Ticket.objects.get(subject="网络故障")
        assert not Ticket.objects.filter(subject="Nope").exists()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.account_id, ticket.contact_id, ticket.channel, ticket.priority, ticket.status) == (
        book.mine.pk, book.contact.pk, "wechat", "high", "new")
    # the edit form changes only what was changed
    edit = client.post(f"/tickets/{ticket.pk}/edit/", {
        "account": book.mine.pk, "contact": book.contact.pk, "subject": "网络故障", "channel": "wechat",
        "priority": "urgent", "category": "网络"})
    assert edit.status_code == 302
    with schema_context(alpha.schema_name):
        ticket.refresh_from_db()
        changed = set(FieldChange.objects.filter(entity="ticket", record_id=ticket.pk, old_value__isnull=False)
                      .values_list("field", flat=True))
    assert ticket.priority == "urgent" and "priority" in changed and "subject" not in changed
