"""The per-seat plans shown on the public site and enforced locally, with or without Stripe."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Plan:
    key: str
    name: Promise
    price_per_seat_cny: Decimal  # per seat and month, billed monthly
    max_seats: int | None
    features: tuple[Promise, ...]


PLANS: tuple[Plan, ...] = (
    Plan("trial", _("Free trial"), Decimal("0"), 5,
         (_("14 days, all features"), _("Up to 5 users"), _("No card needed"))),
    Plan("standard", _("Standard"), Decimal("49"), None,
         (_("Customers, deals, tickets and tasks"), _("Custom fields and pipelines"), _("Chinese and English"))),
    Plan("professional", _("Professional"), Decimal("99"), None,
         (_("Everything in Standard"), _("Approval workflows and automation"), _("Audit log and field encryption"))),
)


def plan_by_key(key: str) -> Plan | None:
    return next((plan for plan in PLANS if plan.key == key), None)
