"""The status table, first response, resolution notes, reopening and satisfaction scores."""

import pytest
from django.core.exceptions import ValidationError

from core.audit.models import FieldChange
from core.service import services
from core.service.models import TRANSITIONS, Ticket
from tests.service.conftest import T0, hours, minutes, open_ticket

STATUSES = ["new", "open", "pending", "resolved", "closed"]
ALLOWED = {
    ("new", "open"), ("new", "pending"), ("new", "resolved"), ("new", "closed"),
    ("open", "pending"), ("open", "resolved"), ("open", "closed"),
    ("pending", "open"), ("pending", "resolved"), ("pending", "closed"),
    ("resolved", "open"), ("resolved", "closed"),
    ("closed", "open"),
}


def ticket_in(status, actor, account):
    """A ticket brought to `status` at T0 + 1 h through the services."""
    ticket = open_ticket(actor, account)
    at = T0 + hours(1)
    if status == "open":
        ticket = services.ticket_respond(actor=actor, ticket=ticket, now=at)
    elif status == "pending":
        ticket = services.ticket_update(actor=actor, ticket=ticket, data={"status": "pending"}, now=at)
    elif status == "resolved":
        ticket = services.ticket_resolve(actor=actor, ticket=ticket, resolution="Fixed", now=at)
    elif status == "closed":
        ticket = services.ticket_close(actor=actor, ticket=ticket, now=at)
    assert ticket.status == status
    return ticket


def test_the_table_is_exactly_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize("to", STATUSES)
@pytest.mark.parametrize("start", STATUSES)
def test_status_change_allowed_or_refused_by_the_table(team, accounts, start, to):
    # given a ticket in `start`
    ticket = ticket_in(start, team.support, accounts["member"])
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    data = {"status": to, **({"resolution": "Explained the setting"} if to == "resolved" else {})}
    if start == to:
        # when the status is sent unchanged, then nothing happens
        services.ticket_update(actor=team.support, ticket=ticket, data={"status": to}, now=T0 + hours(2))
        assert Ticket.objects.filter(pk=ticket.pk).values().get() == before
    elif (start, to) in ALLOWED:
        # when an allowed move is asked, then the ticket moves
        moved = services.ticket_update(actor=team.support, ticket=ticket, data=data, now=T0 + hours(2))
        assert moved.status == to
    else:
        # when a refused move is asked, then a field error names the status, and nothing changed
        with pytest.raises(ValidationError) as error:
            services.ticket_update(actor=team.support, ticket=ticket, data=data, now=T0 + hours(2))
        assert error.value.error_dict["status"][0].code == "invalid_transition"
        assert Ticket.objects.filter(pk=ticket.pk).values().get() == before


def test_first_response_is_the_first_agent_action_and_only_the_first(team, accounts):
    # given a new ticket
    ticket = open_ticket(team.support, accounts["member"])
    # when an agent answers at +10 m, then it opens and the response time is kept
    answered = services.ticket_respond(actor=team.support, ticket=ticket, now=T0 + minutes(10))
    assert (answered.status, answered.first_responded_at) == ("open", T0 + minutes(10))
    # when they answer again later, then the first response time stays
    again = services.ticket_respond(actor=team.support, ticket=ticket, now=T0 + minutes(50))
    assert (again.status, again.first_responded_at) == ("open", T0 + minutes(10))


def test_moving_a_new_ticket_to_pending_counts_as_first_response(team, accounts):
    ticket = open_ticket(team.member, accounts["member"])
    pending = services.ticket_update(actor=team.member, ticket=ticket, data={"status": "pending"},
                                     now=T0 + minutes(5))
    assert (pending.status, pending.first_responded_at) == ("pending", T0 + minutes(5))


def test_responding_to_a_finished_ticket_is_refused(team, accounts):
    ticket = ticket_in("closed", team.support, accounts["member"])
    with pytest.raises(ValidationError) as error:
        services.ticket_respond(actor=team.support, ticket=ticket, now=T0 + hours(2))
    assert error.value.error_dict["status"][0].code == "invalid_transition"
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_resolving_needs_a_resolution_note(team, accounts):
    # given an open ticket
    ticket = ticket_in("open", team.support, accounts["member"])
    # when it is resolved without a note (either way), then the note is required and nothing changed
    with pytest.raises(ValidationError) as error:
        services.ticket_resolve(actor=team.support, ticket=ticket, resolution="  ", now=T0 + hours(2))
    assert error.value.error_dict["resolution"][0].code == "required"
    with pytest.raises(ValidationError) as error:
        services.ticket_update(actor=team.support, ticket=ticket, data={"status": "resolved"}, now=T0 + hours(2))
    assert error.value.error_dict["resolution"][0].code == "required"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.resolved_at, stored.resolution) == ("open", None, "")


def test_reopen_goes_to_open_and_clears_resolution_and_rating(team, accounts):
    # given a resolved, rated, closed ticket
    ticket = ticket_in("resolved", team.support, accounts["member"])
    services.ticket_rate(actor=team.support, ticket=ticket, score=2, comment="Slow", now=T0 + hours(2))
    services.ticket_close(actor=team.support, ticket=ticket, now=T0 + hours(3))
    # when the customer calls back and it is reopened
    reopened = services.ticket_reopen(actor=team.support, ticket=ticket, now=T0 + hours(4))
    # then it is open with no resolution, rating or closing; the deadlines promised at creation stay
    assert (reopened.status, reopened.resolved_at, reopened.closed_at, reopened.follow_up_due_at) == (
        "open", None, None, None)
    assert (reopened.resolution, reopened.satisfaction, reopened.satisfaction_comment) == ("", None, "")
    assert reopened.resolution_due_at == T0 + hours(24)
    assert reopened.first_responded_at == T0 + hours(1)
    # and the old resolution and score are kept in the field history
    history = set(FieldChange.objects.filter(entity="ticket", record_id=ticket.pk, field__in=["resolution",
                                                                                              "satisfaction"])
                  .values_list("field", "old_value", "new_value"))
    assert history == {("resolution", "", "Fixed"), ("resolution", "Fixed", ""),
                       ("satisfaction", None, 2), ("satisfaction", 2, None)}


def test_reopen_of_an_unfinished_ticket_is_refused(team, accounts):
    ticket = ticket_in("pending", team.support, accounts["member"])
    with pytest.raises(ValidationError) as error:
        services.ticket_reopen(actor=team.support, ticket=ticket, now=T0 + hours(2))
    assert error.value.error_dict["status"][0].code == "invalid_transition"
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


@pytest.mark.parametrize("status", ["new", "open", "pending"])
def test_rating_before_resolution_is_refused(team, accounts, status):
    ticket = ticket_in(status, team.support, accounts["member"])
    with pytest.raises(ValidationError) as error:
        services.ticket_rate(actor=team.support, ticket=ticket, score=5, now=T0 + hours(2))
    assert error.value.error_dict["score"][0].code == "not_resolved"
    assert Ticket.objects.get(pk=ticket.pk).satisfaction is None


def test_closed_without_resolution_cannot_be_rated(team, accounts):
    ticket = ticket_in("closed", team.support, accounts["member"])
    with pytest.raises(ValidationError) as error:
        services.ticket_rate(actor=team.support, ticket=ticket, score=4, now=T0 + hours(2))
    assert error.value.error_dict["score"][0].code == "not_resolved"


@pytest.mark.parametrize(("score", "code"), [(0, "min_value"), (6, "max_value"), ("good", "invalid"),
                                             (None, "required")])
def test_rating_outside_1_to_5_is_refused(team, accounts, score, code):
    ticket = ticket_in("resolved", team.support, accounts["member"])
    with pytest.raises(ValidationError) as error:
        services.ticket_rate(actor=team.support, ticket=ticket, score=score, now=T0 + hours(2))
    assert error.value.error_dict["score"][0].code == code
    assert Ticket.objects.get(pk=ticket.pk).satisfaction is None


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_rating_after_resolution_is_kept(team, accounts, status):
    # given a resolved ticket (closed after resolving, for "closed")
    ticket = ticket_in("resolved", team.support, accounts["member"])
    if status == "closed":
        services.ticket_close(actor=team.support, ticket=ticket, now=T0 + hours(2))
    # when the customer gives 5 with a comment on the follow-up call
    rated = services.ticket_rate(actor=team.support, ticket=ticket, score="5", comment="很满意", now=T0 + hours(3))
    # then it is stored with the time it was given
    assert (rated.status, rated.satisfaction, rated.satisfaction_comment, rated.rated_at) == (
        status, 5, "很满意", T0 + hours(3))
