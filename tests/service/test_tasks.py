"""The SLA timer: each breach is marked once and announced by exactly one email per recipient, in their language."""

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from core.service import services
from core.service.models import Ticket
from tenants.tasks import notify_sla_breaches_all
from tests.factories import make_user
from tests.service.conftest import hours, minutes


@pytest.fixture
def late_tickets(team, accounts, alpha):
    """Against the real clock: one assigned normal ticket 3 h old (response breached), one unassigned urgent
    ticket 5 h old (response and resolution breached), one fresh ticket, one late but resolved."""
    now = timezone.now()
    agent = make_user(alpha, role="support", email="agent.en@alpha.test", name="Agent", language="en")
    with schema_context(alpha.schema_name):
        for account in accounts.values():  # the desk finds each caller's account first
            services.intake_lookup(actor=team.support, query=account.name)

        def make(account, priority, age, **data):
            return services.ticket_create(actor=team.support, data={"account": account.pk, "subject": f"{priority} "
                                                                    f"issue", "priority": priority, **data},
                                          now=now - age)

        assigned = make(accounts["member"], "normal", hours(3), assignee=agent.pk)
        unassigned = make(accounts["pool"], "urgent", hours(5))
        make(accounts["member"], "urgent", minutes(5))
        resolved = make(accounts["owner"], "low", hours(80))
        services.ticket_resolve(actor=team.support, ticket=resolved, resolution="Fixed", now=now - minutes(1))
    return {"assigned": assigned, "unassigned": unassigned, "agent": agent}


def test_each_breach_is_announced_once_even_when_run_twice(team, late_tickets, alpha,
                                                            django_capture_on_commit_callbacks):
    mail.outbox.clear()
    # when the timer runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_sla_breaches_all()
    with django_capture_on_commit_callbacks(execute=True):
        second = notify_sla_breaches_all()
    # then the first run marks three breaches and the second none
    assert (first, second) == (3, 0)
    # and exactly three emails left: one to the assignee, two (response, resolution) to the only owner
    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    assigned, unassigned = late_tickets["assigned"], late_tickets["unassigned"]
    assert sent == sorted([
        ("agent.en@alpha.test", f"No first response in time: ticket #{assigned.pk} normal issue"),
        (team.owner.email, f"首次响应超时：工单 #{unassigned.pk} urgent issue"),
        (team.owner.email, f"解决超时：工单 #{unassigned.pk} urgent issue"),
    ])
    # and each is written in the recipient's language: English for the agent, the workspace's Chinese for the owner
    bodies = {(message.to[0], message.subject.replace("：", ":").split(":")[0]): message.body
              for message in mail.outbox}
    assert bodies[("agent.en@alpha.test", "No first response in time")].startswith("Hello,")
    assert bodies[(team.owner.email, "解决超时")].startswith("您好：")
    assert "此工单尚未分配处理人" in bodies[(team.owner.email, "解决超时")]
    assert "Nobody is assigned" not in bodies[("agent.en@alpha.test", "No first response in time")]
    # and the marks are on the tickets
    with schema_context(alpha.schema_name):
        marks = {ticket.pk: (ticket.response_breach_notified_at is not None,
                             ticket.resolution_breach_notified_at is not None)
                 for ticket in Ticket.objects.all()}
    assert marks[assigned.pk] == (True, False)
    assert marks[unassigned.pk] == (True, True)
    assert sorted(marks.values()).count((False, False)) == 2


def test_a_new_deadline_after_a_priority_change_is_announced_again(team, late_tickets, alpha,
                                                                    django_capture_on_commit_callbacks):
    # given the timer announced the assigned ticket's missed response
    with django_capture_on_commit_callbacks(execute=True):
        notify_sla_breaches_all()
    mail.outbox.clear()
    # when its priority is raised to urgent (new, earlier deadlines, also for the resolution: 4 h > 3 h old)
    with schema_context(alpha.schema_name):
        services.ticket_update(actor=team.support, ticket=late_tickets["assigned"], data={"priority": "urgent"})
    with django_capture_on_commit_callbacks(execute=True):
        count = notify_sla_breaches_all()
    # then only the new response deadline is announced again, once
    assert count == 1
    assert [message.to for message in mail.outbox] == [["agent.en@alpha.test"]]
