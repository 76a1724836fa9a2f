"""What a reader may filter and sort records by: only what they may read.

One place decides it for one role and one kind of record, and every list (API and web) and export
asks here:

- built-in fields: those the entity's `readable_fields` gives the role (finance reads an account's
  name, level, status and billing fields, and no person's phones or emails); a filter or an
  `ordering=` term on any other is refused (API: a 400 naming the parameter; web: the filter is not
  offered and its parameter ignored);
- custom fields: those the role sees that are not sensitive (core.customization.filtering).

When a role reads every built-in field, the checks cost nothing but a look at the parameter names;
custom fields are looked up only when a `custom.` parameter is present.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.access.scoping import access_of
from core.api.filtering import filter_named
from core.entities.registry import EntityType, registry

from .filtering import PREFIX, filter_refusal, filterable_field, ordering_refusal, sortable_field

if TYPE_CHECKING:
    from django_filters import FilterSet

    from core.access.policy import Access

# query parameters that page, search or sort a list rather than filter it
NOT_FILTERS = frozenset({"q", "ordering", "cursor", "page_size", "page", "after", "format"})


class QueryRules:
    """The fields one reader may filter and sort one kind of record by."""

    def __init__(self, entity: str | EntityType, access: Access):
        self.entity = registry.get(entity) if isinstance(entity, str) else entity
        self.access = access
        self.role = access.role or ""
        self.readable = self.entity.readable_fields(access)  # None: every built-in field

    # --- fields -----------------------------------------------------------------------------------

    def reads(self, field: str) -> bool:
        """Whether the reader may read built-in field `field` (`owner` or its column `owner_id`)."""
        return self.readable is None or field in self.readable or field.removesuffix("_id") in self.readable

    # --- list parameters --------------------------------------------------------------------------

    def _filtered_field(self, param: str, filterset_class: type[FilterSet] | None) -> str | None:
        """The built-in field a query parameter filters by, if it names one."""
        name = filter_named(filterset_class, param) if filterset_class is not None else None
        if name is not None:
            # a method filter without a field is known by its own name: refused unless that is readable
            return filterset_class.base_filters[name].field_name.split("__")[0]
        base = param.split("__")[0]
        return base if base in self.entity.fields else None

    def refused_filters(self, params: Iterable[str], filterset_class: type[FilterSet] | None = None) -> list[str]:
        """The parameters of `params` that filter by a built-in field the reader may not read."""
        if self.readable is None:
            return []
        refused = []
        for param in params:
            if param in NOT_FILTERS or param.startswith(PREFIX):
                continue
            field = self._filtered_field(param, filterset_class)
            if field is not None and not self.reads(field):
                refused.append(param)
        return refused

    def refused_ordering(self, ordering: str, offered: Iterable[str]) -> list[str]:
        """The terms of an `ordering=` value the reader may not sort by: not offered, hidden, sensitive."""
        offered = set(offered)
        refused = []
        for term in (ordering or "").split(","):
            term = term.strip()
            bare = term.lstrip("-")
            if not bare:
                continue
            if bare.startswith(PREFIX):
                allowed = sortable_field(self.entity.key, bare.removeprefix(PREFIX), role=self.role) is not None
            else:
                allowed = bare in offered and self.reads(bare)
            if not allowed:
                refused.append(term)
        return refused

    def check(self, params: Mapping[str, Any], *, filterset_class: type[FilterSet] | None = None,
              ordering_fields: Iterable[str] = ()) -> None:
        """Refuse (a ValidationError by parameter: a 400) every filter and sort the reader may not use."""
        errors: dict[str, list[ValidationError]] = {}
        for param in self.refused_filters(params.keys(), filterset_class):
            errors.setdefault(param, []).append(ValidationError(
                _("“%(field)s” is not a field you can filter on.") % {"field": param}, code="invalid_filter"))
        if self.entity.customizable:
            for param in params:
                if param.startswith(PREFIX) and filterable_field(
                        self.entity.key, param.removeprefix(PREFIX).partition("__")[0], role=self.role) is None:
                    errors.setdefault(param, []).extend(filter_refusal(param).error_dict[param])
        ordering = params.get("ordering") or ""
        if ordering:
            for term in self.refused_ordering(ordering, ordering_fields):
                errors.setdefault("ordering", []).extend(ordering_refusal(term).error_dict["ordering"])
        if errors:
            raise ValidationError(errors)

    def usable(self, params: Any, filterset_class: type[FilterSet] | None = None) -> Any:
        """`params` (a QueryDict) without the filters the reader may not use: what a web list filters by."""
        refused = self.refused_filters(params.keys(), filterset_class)
        if not refused:
            return params
        kept = params.copy()
        for param in refused:
            kept.pop(param, None)
        return kept

    def offered(self, form: Any, filterset_class: type[FilterSet] | None = None) -> Any:
        """A web list's filter form without the inputs of fields the reader may not filter by."""
        for name in self.refused_filters(list(form.fields), filterset_class):
            del form.fields[name]
        return form


def query_rules(entity: str | EntityType, actor: Any) -> QueryRules:
    """The rules for `actor` (a user) on `entity`."""
    return QueryRules(entity, access_of(actor))

