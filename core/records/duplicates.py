"""Likely duplicates: the same normalized phone, email or company name.

Reported when a record is created and on demand. Only records the actor may see are named; the
others are counted, so a salesperson learns that a customer is already worked on (撞单) without
seeing whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from core.crypto.cipher import blind_index
from core.entities.normalize import company_key, normalize_emails, normalize_phones, phone_digits
from core.entities.search import PHONE_PREFIX
from core.users.models import User

from . import selectors
from .models import Account, Contact


@dataclass
class Duplicates:
    visible: list = field(default_factory=list)
    hidden_count: int = 0


def _phone_tokens(phones: list[str]) -> list[str]:
    return [PHONE_PREFIX + blind_index(phone_digits(phone), purpose="phone")[:30] for phone in phones]


def match_q(*, name_key: str | None, phones: list[str], emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    if name_key:
        condition |= Q(name_key=name_key)
    for token in _phone_tokens(phones):
        condition |= Q(search_tokens__contains=[token])
    if emails:
        condition |= Q(emails__overlap=emails)
    return condition


def _split(all_matches: QuerySet, visible: QuerySet, limit: int = 20) -> Duplicates:
    visible_rows = list(visible.filter(pk__in=all_matches.values("pk")).order_by("-id")[:limit])
    total = all_matches.count()
    return Duplicates(visible=visible_rows, hidden_count=max(total - len(visible_rows), 0))


def account_duplicates(*, actor: User, name: str = "", phones: list[str] | None = None,
                       emails: list[str] | None = None, exclude_id: int | None = None) -> Duplicates:
    try:
        phones = normalize_phones(phones or [])
    except Exception:  # an invalid number matches nothing; validation reports it elsewhere
        phones = []
    try:
        emails = normalize_emails(emails or [])
    except Exception:
        emails = []
    key = company_key(name) if name else None
    matches = Account.objects.filter(merged_into__isnull=True).filter(match_q(name_key=key, phones=phones,
                                                                                emails=emails))
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    visible = selectors.accounts(actor=actor) | selectors.pool(actor=actor)
    return _split(matches, visible)


def contact_duplicates(*, actor: User, phones: list[str] | None = None, emails: list[str] | None = None,
                       exclude_id: int | None = None) -> Duplicates:
    try:
        phones = normalize_phones(phones or [])
        emails = normalize_emails(emails or [])
    except Exception:
        return Duplicates()
    matches = Contact.objects.filter(merged_into__isnull=True).filter(match_q(name_key=None, phones=phones,
                                                                                emails=emails))
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return _split(matches, selectors.contacts(actor=actor))


def duplicates_of_account(*, actor: User, account: Account) -> Duplicates:
    return account_duplicates(actor=actor, name=account.name, phones=account.phones, emails=account.emails,
                              exclude_id=account.pk)


def duplicates_of_contact(*, actor: User, contact: Contact) -> Duplicates:
    return contact_duplicates(actor=actor, phones=contact.phones, emails=contact.emails, exclude_id=contact.pk)
