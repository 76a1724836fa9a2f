"""Likely duplicates: the same normalized phone, email or company name.

Reported when a record is created and on demand. Only records the actor may see are named; the
others are counted for those who may create such records, so a salesperson learns that a customer is
already worked on (撞单) without seeing whose it is.

A check compares only what the actor may read (core.customization.query_rules): finance, which reads
an account's name but no phone or email, is matched by name alone, so no answer — named match or
count — ever says anything about a phone it cannot see. Phones are compared as whole numbers, and
only for roles that may reveal them; a check by numbers the caller typed is audited like a search by
a whole number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from core.customization.query_rules import QueryRules, audit_phone_lookup, query_rules
from core.entities.normalize import company_key, normalize_emails, normalize_phones
from core.entities.search import phone_exact_token
from core.users.models import User

from . import selectors
from .models import Account, Contact


@dataclass
class Duplicates:
    visible: list = field(default_factory=list)
    hidden_count: int = 0


def match_q(*, name_key: str | None, phones: list[str], emails: list[str]) -> Q:
    """Records with this company key, any of these whole numbers (E.164) or any of these emails."""
    condition = Q(pk__in=[])
    if name_key:
        condition |= Q(name_key=name_key)
    if phones:
        condition |= Q(search_tokens__overlap=[phone_exact_token(phone) for phone in phones])
    if emails:
        condition |= Q(emails__overlap=emails)
    return condition


def _split(all_matches: QuerySet, visible: QuerySet, rules: QueryRules, limit: int = 20) -> Duplicates:
    visible_rows = list(visible.filter(pk__in=all_matches.values("pk")).order_by("-id")[:limit])
    if not rules.entity.may_create(rules.access):
        return Duplicates(visible=visible_rows)  # the count of unseen matches is for those about to create
    total = all_matches.count()
    return Duplicates(visible=visible_rows, hidden_count=max(total - len(visible_rows), 0))


def _compared(rules: QueryRules, phones: list[str] | None, emails: list[str] | None) -> tuple[list[str], list[str]]:
    """The phones and emails a check by `rules` may compare, normalized (invalid ones match nothing)."""
    try:
        phones = normalize_phones(phones or []) if rules.matches_whole_phone() else []
    except Exception:  # validation reports an invalid number elsewhere
        phones = []
    try:
        emails = normalize_emails(emails or []) if rules.searches_emails() else []
    except Exception:
        emails = []
    return phones, emails


def _account_duplicates(rules: QueryRules, actor: User, name: str, phones: list[str], emails: list[str],
                        exclude_id: int | None) -> Duplicates:
    key = company_key(name) if name and rules.reads("name") else None
    if not (key or phones or emails):
        return Duplicates()
    matches = Account.objects.filter(merged_into__isnull=True).filter(match_q(name_key=key, phones=phones,
                                                                                emails=emails))
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    visible = selectors.accounts(actor=actor) | selectors.pool(actor=actor)
    return _split(matches, visible, rules)


def account_duplicates(*, actor: User, name: str = "", phones: list[str] | None = None,
                       emails: list[str] | None = None, exclude_id: int | None = None) -> Duplicates:
    """The check before creating, by the values the caller typed (numbers compared are audited)."""
    rules = query_rules("account", actor)
    phones, emails = _compared(rules, phones, emails)
    audit_phone_lookup(actor=actor, entity="account", phones=phones)
    return _account_duplicates(rules, actor, name, phones, emails, exclude_id)


def _contact_duplicates(rules: QueryRules, actor: User, phones: list[str], emails: list[str],
                        exclude_id: int | None) -> Duplicates:
    if not (phones or emails):
        return Duplicates()
    matches = Contact.objects.filter(merged_into__isnull=True).filter(match_q(name_key=None, phones=phones,
                                                                                emails=emails))
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return _split(matches, selectors.contacts(actor=actor), rules)


def contact_duplicates(*, actor: User, phones: list[str] | None = None, emails: list[str] | None = None,
                       exclude_id: int | None = None) -> Duplicates:
    """The check by typed values (numbers compared are audited)."""
    rules = query_rules("contact", actor)
    phones, emails = _compared(rules, phones, emails)
    audit_phone_lookup(actor=actor, entity="contact", phones=phones)
    return _contact_duplicates(rules, actor, phones, emails, exclude_id)


def duplicates_of_account(*, actor: User, account: Account) -> Duplicates:
    """Likely duplicates of a stored account, by the values of it the actor may read."""
    rules = query_rules("account", actor)
    phones, emails = _compared(rules, account.phones, account.emails)
    return _account_duplicates(rules, actor, account.name, phones, emails, account.pk)


def duplicates_of_contact(*, actor: User, contact: Contact) -> Duplicates:
    rules = query_rules("contact", actor)
    phones, emails = _compared(rules, contact.phones, contact.emails)
    return _contact_duplicates(rules, actor, phones, emails, contact.pk)
