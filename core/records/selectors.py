"""Reads of CRM records, always scoped to what the actor may see (core.access.policy).

A record outside the actor's scope is reported exactly like one that does not exist: the same
`Http404`, raised from the same query, so neither message nor timing tells them apart.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.access.scoping import access_of, access_record, access_record_for_write
from core.customization.query_rules import audit_phone_lookup, query_rules
from core.entities.registry import registry
from core.entities.search import phone_query, text_query_tokens
from core.users.models import User

from . import scopes
from .models import Account, Contact, Deal, Product


def accounts(*, actor: User) -> QuerySet[Account]:
    return Account.objects.filter(merged_into__isnull=True).filter(scopes.accounts_q(access_of(actor)))


def contacts(*, actor: User) -> QuerySet[Contact]:
    return Contact.objects.filter(merged_into__isnull=True).filter(scopes.contacts_q(access_of(actor)))


def deals(*, actor: User) -> QuerySet[Deal]:
    return Deal.objects.filter(scopes.deals_q(access_of(actor)))


def products(*, actor: User) -> QuerySet[Product]:
    return Product.objects.filter(scopes.products_q(access_of(actor)))


def pool(*, actor: User) -> QuerySet[Account]:
    """The public pool (公海): unowned accounts any writer may claim."""
    if not access_of(actor).can_write():
        return Account.objects.none()
    return Account.objects.filter(merged_into__isnull=True, owner__isnull=True)


def openable_accounts(*, actor: User) -> QuerySet[Account]:
    """The accounts whose page one may open: one's scope, and the public pool (to decide on a claim)."""
    return accounts(actor=actor) | pool(actor=actor)


def account_for_read(*, actor: User, pk: Any) -> Account:
    return access_record(openable_accounts(actor=actor), pk)


def writable_accounts(*, actor: User) -> QuerySet[Account]:
    return Account.objects.filter(merged_into__isnull=True).filter(scopes.accounts_q(access_of(actor), write=True))


def writable_contacts(*, actor: User) -> QuerySet[Contact]:
    return Contact.objects.filter(merged_into__isnull=True).filter(scopes.contacts_q(access_of(actor), write=True))


def writable_deals(*, actor: User) -> QuerySet[Deal]:
    return Deal.objects.filter(scopes.deals_q(access_of(actor), write=True))


def writable_products(*, actor: User) -> QuerySet[Product]:
    return Product.objects.filter(scopes.products_q(access_of(actor), write=True))


def account_for_write(*, actor: User, pk: Any, field: str | None = None) -> Account:
    return access_record_for_write(accounts(actor=actor), writable_accounts(actor=actor), pk, field)


def contact_for_write(*, actor: User, pk: Any) -> Contact:
    return access_record_for_write(contacts(actor=actor), writable_contacts(actor=actor), pk, None)


def deal_for_write(*, actor: User, pk: Any) -> Deal:
    return access_record_for_write(deals(actor=actor), writable_deals(actor=actor), pk, None)


def record_for_read(*, actor: User, entity: str, pk: Any):
    """One record of any registered entity that the actor may read (404 otherwise)."""
    found = registry.find(entity)
    if found is None:
        raise Http404(_("Not found."))
    return access_record(found.read(actor=actor), pk)


def merged_target(*, actor: User, pk: Any) -> Account | None:
    """Where an old (merged) account id lives on now, if the actor may see it."""
    old = Account.objects.filter(pk=pk, merged_into__isnull=False).only("merged_into_id").first()
    seen = set()
    while old is not None and old.merged_into_id and old.pk not in seen:
        seen.add(old.pk)
        target = Account.objects.filter(pk=old.merged_into_id).first()
        if target is None:
            return None
        if target.merged_into_id is None:
            return accounts(actor=actor).filter(pk=target.pk).first()
        old = target
    return None


@cache
def _shown_fields(model: type) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields if f.name != "search_tokens")


def without_search_tokens(qs: QuerySet) -> QuerySet:
    """Skip the token column: hundreds of n-grams per row that no answer shows.

    Spelled with `only()`, not `defer("search_tokens")`: Django builds a deferral mask by walking
    every reverse relation of the model too (hashing each one), which costs more CPU than the page.
    """
    return qs.only(*_shown_fields(qs.model))


def search(qs: QuerySet, query: str, *, actor: User, text_fields: tuple[str, ...] = ("name",)) -> QuerySet:
    """`qs` narrowed to a search box query, looking only into what `actor` may read of its records.

    Names (`text_fields`) and emails match by any fragment of two or more characters, on the GIN-indexed
    token column (core.entities.search), but only the fields the actor's role may read; a phone matches
    by the four digits its mask shows or, for roles that may reveal phones, as the whole number — that
    exact lookup is written to the audit log like a reveal (core.customization.query_rules).
    """
    query = query.strip()
    text = text_query_tokens(query)
    phone = phone_query(query)
    if not text and not (phone.whole or phone.tail):
        return qs
    entity = registry.for_model(qs.model)
    rules = query_rules(entity, actor)
    condition = Q(pk__in=[])
    fields = rules.text_fields(text_fields)
    if text and (fields or rules.searches_emails()):
        precise = Q()
        for field in fields:
            precise |= Q(**{f"{field}__icontains": query})
        if rules.searches_emails():
            precise |= Q(emails__icontains=query.lower())
        condition |= Q(search_tokens__contains=text) & precise
    whole = rules.matches_whole_phone() and phone.whole is not None
    tokens = phone.tokens(whole=whole, tail=rules.matches_phone_tail())
    if tokens:
        condition |= Q(search_tokens__overlap=tokens)
    if whole:
        audit_phone_lookup(actor=actor, entity=entity.key, phones=[phone.whole])
    return qs.filter(condition)


MENU_LIMIT = 500  # accounts / contacts offered in a form's menu


def account_menu(actor, current: int | None = None) -> list[tuple[int, str]]:
    menu = list(accounts(actor=actor).order_by("name", "id").values_list("pk", "name")[:MENU_LIMIT])
    if current and current not in {pk for pk, _name in menu}:
        menu += list(accounts(actor=actor).filter(pk=current).values_list("pk", "name"))
    return menu


def contact_menu(actor) -> list[tuple[int, str]]:
    rows = contacts(actor=actor).order_by("name", "id").values_list("pk", "name", "account__name")
    return [(pk, f"{name} · {account}" if account else name) for pk, name, account in rows[:MENU_LIMIT]]


def with_account_names(*, actor: User, rows: list) -> list:
    """Give each row (deal, contact, ticket…) `account_name` and `account_visible`, one query in all.

    A row may be visible while its account is not (a member's own deal under a colleague's account):
    such an account's name is not shown, so pages never name accounts the reader cannot open.
    """
    ids = {row.account_id for row in rows if getattr(row, "account_id", None)}
    names = dict(accounts(actor=actor).filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for row in rows:
        row.account_visible = row.account_id in names
        row.account_name = names.get(row.account_id, "")
    return rows
