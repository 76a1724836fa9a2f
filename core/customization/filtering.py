"""Filtering and sorting lists by custom fields, with the same SQL expressions as their indexes.

`custom.<key>=v`, `custom.<key>__gte=`, `__lte`, `__in` (comma separated), `__contains`, `__isnull`;
`ordering=custom.<key>` or `-custom.<key>`. Numbers, users and links compare as numeric, money by its
amount, everything else as text (dates and date-times are stored in ISO form, so text order is time
order). An `indexed` field gets an expression index on exactly `sql_expression(field)` (core.customization
.indexes), which is what the filter emits, so PostgreSQL uses it.

A role filters and sorts only by the fields it sees, and nobody by a sensitive field (its values are
encrypted; only the audited reveal shows them): `filterable_field` decides, and a refused parameter is
a 400 naming it, with the same words for a field that does not exist (core.customization.query_rules
applies the same rule to built-in fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Expression, Func, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from rest_framework.filters import OrderingFilter

from .compiled import CompiledField
from .current import current_config

NUMERIC = {"integer", "decimal", "percent", "user", "link"}
LISTS = {"multi_select", "tags"}
LOOKUPS = {"exact": "exact", "gte": "gte", "lte": "lte", "in": "in", "contains": "contains", "isnull": "isnull"}
PREFIX = "custom."


class Numeric(Func):
    """`(expr)::numeric` — Django's Cast to a DecimalField needs digits; an index expression must not."""

    template = "(%(expressions)s)::numeric"
    output_field = DecimalField()


def annotation_name(key: str) -> str:
    return f"cf__{key}"


def expression(field_type: str, key: str) -> Expression:
    """The value of custom field `key` as SQL (the same expression its index is built on)."""
    if field_type in NUMERIC:
        return Numeric(KeyTextTransform(key, "custom"))
    if field_type == "money":
        return Numeric(KeyTextTransform("amount", KeyTransform(key, "custom")))
    if field_type in LISTS:
        return KeyTransform(key, "custom")
    return Cast(KeyTextTransform(key, "custom"), TextField())


def sql_expression(field_type: str, key: str) -> str:
    """The index expression (PostgreSQL matches it to the filter's expression)."""
    quoted = key.replace("'", "''")
    if field_type in NUMERIC:
        return f"((custom ->> '{quoted}')::numeric)"
    if field_type == "money":
        return f"(((custom -> '{quoted}') ->> 'amount')::numeric)"
    if field_type in LISTS:
        return f"(custom -> '{quoted}')"
    return f"((custom ->> '{quoted}')::text)"


def _error(param: str, message: str) -> ValidationError:
    return ValidationError({param: ValidationError(message, code="invalid_filter")})


def _value(field_type: str, raw: str, param: str) -> Any:
    if field_type in NUMERIC or field_type == "money":
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise _error(param, _("“%(value)s” is not a number.") % {"value": raw}) from None
    if field_type == "boolean":
        return "true" if raw.lower() in ("true", "1", "yes") else "false"
    return raw


def filterable_field(entity: str, key: str, *, role: str) -> CompiledField | None:
    """The custom field `key` if `role` may filter and sort by it: one it sees that is not sensitive."""
    field = current_config().fields(entity).get(key)
    if field is None or not field.can_see(role) or field.sensitive:
        return None
    return field


def sortable_field(entity: str, key: str, *, role: str) -> CompiledField | None:
    """…and whose values have an order (lists have none)."""
    field = filterable_field(entity, key, role=role)
    return field if field is not None and field.spec["type"] not in LISTS else None


def filter_refusal(param: str) -> ValidationError:
    """The 400 for a `custom.*` filter on a field one may not filter by (or that does not exist)."""
    key = param.removeprefix(PREFIX).partition("__")[0]
    return _error(param, _("“%(key)s” is not a custom field you can filter on.") % {"key": key})


def ordering_refusal(term: str) -> ValidationError:
    """The 400 for an `ordering=` term one may not sort by (or that the list does not offer)."""
    return _error("ordering", _("You cannot sort by “%(field)s”.") % {"field": term})


def apply_custom_filters(qs: QuerySet, entity: str, params: Mapping[str, str], *, role: str) -> QuerySet:
    """Filter `qs` by every `custom.*` parameter; unknown, hidden or sensitive fields are a 400 naming the
    parameter."""
    for param, raw in params.items():
        if not param.startswith(PREFIX):
            continue
        key, _sep, lookup = param.removeprefix(PREFIX).partition("__")
        field = filterable_field(entity, key, role=role)
        if field is None:
            raise filter_refusal(param)
        lookup = lookup or "exact"
        if lookup not in LOOKUPS:
            raise _error(param, _("Use one of: %(ops)s.") % {"ops": ", ".join(sorted(LOOKUPS))})
        field_type = field.spec["type"]
        name = annotation_name(key)
        qs = qs.annotate(**{name: expression(field_type, key)})
        if lookup == "isnull":
            qs = qs.filter(**{f"custom__{key}__isnull": raw.lower() in ("true", "1", "yes")})
        elif field_type in LISTS:
            values = [v for v in raw.split(",") if v] if lookup in ("in", "contains") else [raw]
            if lookup == "in":
                from django.db.models import Q

                condition = Q()
                for value in values:
                    condition |= Q(**{f"{name}__contains": [value]})
                qs = qs.filter(condition)
            else:
                qs = qs.filter(**{f"{name}__contains": values})
        elif lookup == "in":
            qs = qs.filter(**{f"{name}__in": [_value(field_type, v, param) for v in raw.split(",") if v]})
        elif lookup == "contains":
            qs = qs.filter(**{f"{name}__icontains": raw})
        else:
            qs = qs.filter(**{f"{name}__{lookup}": _value(field_type, raw, param)})
    return qs


def annotate_for_ordering(qs: QuerySet, entity: str, ordering: str, *, role: str) -> QuerySet:
    """Add the annotations `ordering=custom.<key>` needs (ordering itself is CustomOrderingFilter's); a
    field the role may not sort by is a 400 naming `ordering`."""
    for term in (ordering or "").split(","):
        key = term.strip().lstrip("-")
        if key.startswith(PREFIX):
            field = sortable_field(entity, key.removeprefix(PREFIX), role=role)
            if field is None:
                raise ordering_refusal(term.strip())
            qs = qs.annotate(**{annotation_name(field.key): expression(field.spec["type"], field.key)})
    return qs


class CustomOrderingFilter(OrderingFilter):
    """`ordering=custom.<key>` sorts by the annotation annotate_for_ordering added (else ignored)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            terms = []
            for term in params.split(","):
                term = term.strip()
                bare = term.lstrip("-")
                if bare.startswith(PREFIX):
                    name = annotation_name(bare.removeprefix(PREFIX))
                    if name in queryset.query.annotations:
                        terms.append(("-" if term.startswith("-") else "") + name)
                    continue
                if self.remove_invalid_fields(queryset, [term], view, request):
                    terms.append(term)
            if terms:
                if "id" not in {t.lstrip("-") for t in terms}:
                    terms.append("-id")
                return terms
        return self.get_default_ordering(view)

