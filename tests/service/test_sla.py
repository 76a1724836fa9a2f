"""SLA deadlines stored at creation, breach flags computed in SQL at a stated `now`, and the work queue order."""

import pytest

from core.service import selectors, services, sla
from core.service.models import Ticket
from tests.service.conftest import T0, hours, minutes, open_ticket


@pytest.mark.parametrize(("priority", "respond", "resolve"), [
    ("urgent", minutes(30), hours(4)),
    ("high", hours(1), hours(8)),
    ("normal", hours(2), hours(24)),
    ("low", hours(8), hours(72)),
])
def test_due_times_are_stored_from_priority_at_creation(team, accounts, priority, respond, resolve):
    # given an account, when a ticket of each priority is opened at T0
    ticket = open_ticket(team.support, accounts["member"], priority=priority)
    # then both deadlines are stored, counted from T0
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.created_at == T0
    assert stored.first_response_due_at == T0 + respond
    assert stored.resolution_due_at == T0 + resolve
    assert stored.follow_up_due_at is None


def test_default_priority_is_normal_and_the_table_has_every_priority(team, accounts):
    # when a ticket is opened without a priority
    ticket = open_ticket(team.member, accounts["member"])
    # then it is normal, due in 2 h / 24 h; and the SLA table covers every priority the model knows
    assert (ticket.priority, ticket.first_response_due_at, ticket.resolution_due_at) == (
        "normal", T0 + hours(2), T0 + hours(24))
    assert set(sla.targets()) == set(Ticket.Priority.values)


def test_priority_change_recomputes_deadlines_from_creation(team, accounts):
    # given a normal ticket opened at T0
    ticket = open_ticket(team.support, accounts["member"])
    # when it is escalated to urgent an hour later
    escalated = services.ticket_update(actor=team.support, ticket=ticket, data={"priority": "urgent"},
                                       now=T0 + hours(1))
    # then its deadlines are those of an urgent ticket opened at T0 (already missed for the response)
    assert escalated.first_response_due_at == T0 + minutes(30)
    assert escalated.resolution_due_at == T0 + hours(4)
    assert escalated.response_breached is True
    assert escalated.resolution_breached is False


def test_resolution_stores_follow_up_due_a_day_later(team, accounts):
    # given a ticket, when it is resolved at T0 + 3 h
    ticket = open_ticket(team.support, accounts["member"])
    resolved = services.ticket_resolve(actor=team.support, ticket=ticket, resolution="Replaced the part",
                                       now=T0 + hours(3))
    # then the follow-up call is due 24 h after the resolution
    assert resolved.resolved_at == T0 + hours(3)
    assert resolved.follow_up_due_at == T0 + hours(27)


def _flags(actor, ticket, now):
    row = selectors.tickets(actor=actor, now=now).get(pk=ticket.pk)
    return row.response_breached, row.resolution_breached, row.response_due_in


def test_breach_flags_follow_now_and_what_happened(team, accounts):
    # given an urgent ticket opened at T0 (respond by T0+30m, resolve by T0+4h)
    ticket = open_ticket(team.support, accounts["member"], priority="urgent")
    # then before its response deadline nothing is breached, and 20 minutes are left at T0+10m
    assert _flags(team.support, ticket, T0 + minutes(10)) == (False, False, minutes(20))
    # and exactly at the deadline it is not yet late
    assert _flags(team.support, ticket, T0 + minutes(30))[:2] == (False, False)
    # and one minute later the response is breached
    assert _flags(team.support, ticket, T0 + minutes(31))[:2] == (True, False)
    # when an agent answers at T0+40m, the response stays breached (it was late) and the countdown ends
    services.ticket_respond(actor=team.support, ticket=ticket, now=T0 + minutes(40))
    assert _flags(team.support, ticket, T0 + hours(1)) == (True, False, None)
    # and past the resolution deadline the resolution is breached too
    assert _flags(team.support, ticket, T0 + hours(5))[:2] == (True, True)


def test_targets_met_in_time_are_never_breached_later(team, accounts):
    # given a high ticket answered after 10 minutes and resolved after 2 hours
    ticket = open_ticket(team.support, accounts["member"], priority="high")
    services.ticket_respond(actor=team.support, ticket=ticket, now=T0 + minutes(10))
    services.ticket_resolve(actor=team.support, ticket=ticket, resolution="Done", now=T0 + hours(2))
    # then a week later neither target counts as breached
    assert _flags(team.support, ticket, T0 + hours(24 * 7)) == (False, False, None)


def test_closing_unresolved_after_the_deadline_counts_as_a_resolution_breach(team, accounts):
    # given an urgent ticket closed unresolved after 5 hours (a resolution was due after 4)
    ticket = open_ticket(team.support, accounts["member"], priority="urgent")
    services.ticket_close(actor=team.support, ticket=ticket, now=T0 + hours(5))
    # then the response (first agent action at +5 h) and the resolution are both breached, for good
    assert _flags(team.support, ticket, T0 + hours(100))[:2] == (True, True)


def test_minutes_to_response_due_round_down_and_go_negative(team, accounts):
    # given an urgent ticket opened at T0
    ticket = open_ticket(team.support, accounts["member"], priority="urgent")
    from core.access.policy import Access
    from core.service.serializers import ticket_out

    # then 29.5 minutes before the deadline the countdown shows 29, and 90 seconds after it -2
    early = selectors.tickets(actor=team.support, now=T0 + minutes(0.5)).get(pk=ticket.pk)
    late = selectors.tickets(actor=team.support, now=T0 + minutes(31.5)).get(pk=ticket.pk)
    assert ticket_out(early, Access(team.support))["minutes_to_response_due"] == 29
    assert ticket_out(late, Access(team.support))["minutes_to_response_due"] == -2


def test_breach_flags_filter_in_sql(team, accounts):
    # given a late low ticket and a fresh urgent one
    late = open_ticket(team.support, accounts["member"], priority="low", now=T0 - hours(9))
    open_ticket(team.support, accounts["member"], priority="urgent", now=T0)
    # when the list is filtered on the annotation, then only the late one is breached
    breached = selectors.tickets(actor=team.support, now=T0).filter(response_breached=True)
    assert list(breached.values_list("pk", flat=True)) == [late.pk]


def test_queue_puts_breached_first_then_the_earliest_deadline(team, accounts):
    # given tickets with different deadlines at T0 + 1 minute
    normal = open_ticket(team.support, accounts["member"], priority="normal")           # respond by T0+2h
    urgent = open_ticket(team.support, accounts["member"], priority="urgent")           # respond by T0+30m
    very_late = open_ticket(team.support, accounts["member"], priority="low", now=T0 - hours(10))  # T0-2h
    late = open_ticket(team.support, accounts["member"], priority="high", now=T0 - hours(2))       # T0-1h
    answered = open_ticket(team.support, accounts["member"], priority="urgent", now=T0 - minutes(20))
    services.ticket_respond(actor=team.support, ticket=answered, now=T0 - minutes(10))  # resolve by T0+3h40m
    done = open_ticket(team.support, accounts["member"], priority="urgent", now=T0 - hours(8))
    services.ticket_resolve(actor=team.support, ticket=done, resolution="Fixed", now=T0 - hours(7))
    # when the queue is read
    queue = list(selectors.ticket_queue(actor=team.support, now=T0 + minutes(1)).values_list("pk", flat=True))
    # then breached tickets come first (most overdue first), then by the deadline due next; done ones are out
    assert queue == [very_late.pk, late.pk, urgent.pk, normal.pk, answered.pk]
