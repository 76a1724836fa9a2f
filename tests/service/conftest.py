"""Fixtures for service-desk tests: the records team of workspace alpha, and a book of accounts with tickets.

Times are stated, not read from the clock: services take `now`, selectors judge SLA state at `now`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.records import services as records
from core.service import services
from tests.records.conftest import Team, api_for, in_alpha, team

__all__ = ["T0", "Team", "accounts", "api_for", "hours", "in_alpha", "minutes", "open_ticket", "team"]

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


@pytest.fixture
def accounts(team, in_alpha):
    """Accounts across the team (as in the records access matrix), each with one contact.

    `outsider`'s account is shared read-only with member, `owner`'s read-only with viewer.
    """
    def account(owner, name):
        return records.account_create(actor=team.owner, data={"name": name, "owner": owner.pk if owner else None})

    made = {
        "member": account(team.member, "Member Co"),
        "member2": account(team.member2, "Member Two Co"),
        "outsider": account(team.outsider, "Outsider Co"),
        "pool": account(None, "Pool Co"),
        "owner": account(team.owner, "Owner Co"),
    }
    records.account_share(actor=team.owner, account=made["outsider"], user=team.member, access="read")
    records.account_share(actor=team.owner, account=made["owner"], user=team.viewer, access="read")
    for key, acc in made.items():
        records.contact_create(actor=team.owner, data={"name": f"{key} contact", "account": acc.pk,
                                                       "owner": acc.owner_id, "phones": ["13812345678"]})
    return made


def open_ticket(actor, account, *, now=T0, **data):
    """File a ticket as `actor`; support first finds the caller's account (the intake lookup), as at the desk."""
    if actor.role == "support":
        assert account.pk in {a.pk for a in services.intake_lookup(actor=actor, query=account.name)}
    return services.ticket_create(actor=actor, data={"account": account.pk, "subject": f"{account.name} problem",
                                                     **data}, now=now)
