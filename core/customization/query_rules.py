"""What a reader may filter, sort, search and compare records by: only what they may read.

One place decides it for one role and one kind of record, and every list (API and web), export,
search box and duplicate check asks here:

- built-in fields: those the entity's `readable_fields` gives the role (finance reads an account's
  name, level, status and billing fields, and no person's phones or emails); a filter, an `ordering=`
  term or a search on any other is refused (API: a 400 naming the parameter; web: the filter is not
  offered and its parameter ignored; search: the field is not searched);
- custom fields: those the role sees that are not sensitive (core.customization.filtering);
- phones, which every role that reads them sees masked (138****5678): a search matches the four digits
  the mask shows, and — for roles that may reveal phones — the whole number, an exact lookup recorded
  in the audit log like a reveal (`audit_phone_lookup`). No other fragment of a number matches, so the
  masked middle digits cannot be found one request at a time.

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
    """The fields one reader may filter, sort, search and compare one kind of record by."""

    def __init__(self, entity: str | EntityType, access: Access):
        self.entity = registry.get(entity) if isinstance(entity, str) else entity
        self.access = access
        self.role = access.role or ""
        self.readable = self.entity.readable_fields(access)  # None: every built-in field

    # --- fields -----------------------------------------------------------------------------------

    def reads(self, field: str) -> bool:
        """Whether the reader may read built-in field `field` (`owner` or its column `owner_id`)."""
        return self.readable is None or field in self.readable or field.removesuffix("_id") in self.readable

    def text_fields(self, fields: Iterable[str]) -> tuple[str, ...]:
        """The name-like fields of `fields` a search may look into."""
        return tuple(field for field in fields if self.reads(field))

    def searches_emails(self) -> bool:
        return "emails" in self.entity.fields and self.reads("emails")

    def _reads_phones(self) -> bool:
        return "phones" in self.entity.sensitive and self.reads("phones")

    def matches_phone_tail(self) -> bool:
        """A search by the four digits a masked number shows (…5678): whoever reads the masked phones."""
        return self._reads_phones()

    def matches_whole_phone(self) -> bool:
        """A search or duplicate check by a whole number: roles that may reveal phones, audited."""
        return self._reads_phones() and self.access.may_reveal()

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


def audit_phone_lookup(*, actor: Any, entity: str, phones: Iterable[str]) -> None:
    """A search or duplicate check by whole numbers tells whether records have them: audited like a reveal.

    One entry per lookup, hit or not, naming the numbers masked; a run of guesses shows as a run of entries.
    """
    from core.audit.models import AuditAction
    from core.audit.services import audit_record
    from core.entities.masking import mask_phones

    phones = list(phones)
    if phones:
        audit_record(actor=actor, action=AuditAction.PHONE_LOOKUP, entity=entity,
                     record_label=", ".join(mask_phones(phones)), fields=["phones"])
