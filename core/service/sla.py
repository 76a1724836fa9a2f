"""Service-level targets: how soon a ticket must get a first response, a resolution, and a follow-up call.

The defaults follow what Chinese SMB CRM guides recommend for a small service desk. They live here,
in one table, so a later workspace setting can override them in one place (`targets()` is the only
reader of the table). Times are calendar time, around the clock: business hours and holidays are a
workspace setting for later, and a "pending" ticket keeps its clock running (the desk still owes an
answer when the customer replies).

Due times are computed once and STORED on the ticket (at creation, and again when its priority
changes), so lists sort and filter on plain indexed columns and a later change of this table never
silently moves the deadlines of tickets already promised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """How long the desk has, from the ticket's creation, to respond and to resolve."""

    respond: dt.timedelta
    resolve: dt.timedelta


DEFAULT_TARGETS: dict[str, Target] = {
    "urgent": Target(respond=dt.timedelta(minutes=30), resolve=dt.timedelta(hours=4)),
    "high": Target(respond=dt.timedelta(hours=1), resolve=dt.timedelta(hours=8)),
    "normal": Target(respond=dt.timedelta(hours=2), resolve=dt.timedelta(hours=24)),
    "low": Target(respond=dt.timedelta(hours=8), resolve=dt.timedelta(hours=72)),
}

# the follow-up call (回访) after a resolution: within a day, while the customer still remembers
FOLLOW_UP_WITHIN = dt.timedelta(hours=24)


def targets() -> dict[str, Target]:
    """The targets in force, by priority. The one place a workspace override will plug in."""
    return DEFAULT_TARGETS


def due_times(*, priority: str, created_at: dt.datetime) -> dict[str, dt.datetime]:
    """The stored deadlines of a ticket of `priority` opened at `created_at`.

    Counted from creation even when the priority changes later: an escalation to "urgent" makes the
    ticket as late as an urgent ticket opened at that moment would be, which is what the customer sees.
    """
    target = targets()[priority]
    return {"first_response_due_at": created_at + target.respond, "resolution_due_at": created_at + target.resolve}


def follow_up_due(*, resolved_at: dt.datetime) -> dt.datetime:
    """When the follow-up call after a resolution is due."""
    return resolved_at + FOLLOW_UP_WITHIN
