"""Custom field values on the web pages: a record's "custom fields" block, list columns and filters, export.

Everything starts from what the role may read (core.customization.records.custom_out): fields it may not
see are absent, sensitive values masked. Values read as a person reads them (option labels, ¥12.50, 是/否,
the names of users and linked records the user may see — one query per kind of reference, never one per
row or per value).

Lists: a field marked `indexed: true` in the configuration is a list column and a list filter (options:
a menu; numbers, money, dates: from/to; text: contains), because an indexed field is what the workspace
admin declared worth filtering by, and its expression index keeps the filter fast. The filter goes through
core.customization.filtering.apply_custom_filters, like the API's `custom.<key>__gte=` parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .compiled import CompiledField, CompiledFields
from .custom_form import PREFIX, link_source
from .filtering import filterable_field

RANGE_TYPES = {"integer", "decimal", "percent", "money", "date", "datetime"}
CHOICE_TYPES = {"select", "multi_select", "boolean", "user"}
TEXT_TYPES = {"text", "long_text", "email", "phone", "url", "tags", "region"}


def _fields(entity: str) -> CompiledFields:
    from .current import current_config

    return current_config().fields(entity)


def _role(actor) -> str:
    from core.access.scoping import access_of

    return access_of(actor).role or ""


def _visible(entity: str, custom: Mapping[str, Any] | None, role: str) -> dict[str, Any]:
    from .records import custom_out

    return custom_out(entity, custom, role=role, may_reveal=False)


class References:
    """Names of the users and linked records that custom values point to, looked up once per kind."""

    def __init__(self, actor):
        self.actor = actor
        self.names: dict[tuple[str, int], str] = {}

    def load(self, fields: Iterable[CompiledField], values: Iterable[Mapping[str, Any]]) -> References:
        wanted: dict[str, set[int]] = {}
        fields = [field for field in fields if field.type.name in ("user", "link") and not field.sensitive]
        for custom in values:
            for field in fields:
                value = custom.get(field.key)
                if isinstance(value, int) and not isinstance(value, bool):
                    kind = "user" if field.type.name == "user" else field.type.entity
                    wanted.setdefault(kind, set()).add(value)
        for kind, ids in wanted.items():
            if kind == "user":
                from core.users import selectors as user_selectors

                rows = user_selectors.user_list(actor=self.actor).filter(pk__in=ids).values_list("pk", "name")
            else:
                source = link_source(self.actor, kind)
                if source is None:
                    continue
                qs, label = source
                rows = qs.filter(pk__in=ids).values_list("pk", label)
            self.names.update({(kind, pk): name or f"#{pk}" for pk, name in rows})
        return self

    def text(self, field: CompiledField, value: Any) -> str:
        kind = "user" if field.type.name == "user" else getattr(field.type, "entity", "")
        return self.names.get((kind, value)) or f"#{value}"


def shown(field: CompiledField, value: Any, references: References | None = None) -> str:
    """One visible value (already masked when sensitive) as text for a person."""
    if field.sensitive:  # custom_out masked it already, in the shape of the value
        if isinstance(value, Mapping):
            return " ".join(str(part) for part in value.values() if part)
        if isinstance(value, list):
            return ", ".join(str(part) for part in value)
        return str(value)
    if field.type.name in ("user", "link") and references is not None:
        return references.text(field, value)
    return field.type.display(value)


# --- a record's page -------------------------------------------------------------------------------

def detail_block(entity: str, record: Any, actor, *,
                 reveal_url: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The "custom fields" block of a record's page: sections of (key, label, value, reveal URL) of filled-in
    fields. `reveal_url(key)`, given when the user may reveal on this page, offers the audited reveal of
    sensitive values. `fields` says whether the role sees any custom field at all (else no block).
    """
    fields = _fields(entity)
    role = _role(actor)
    seen = [field for field in fields if field.can_see(role)]
    values = _visible(entity, getattr(record, "custom", None), role)
    references = References(actor).load(seen, [values])
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    for field in seen:
        if field.key not in values:
            continue
        reveal = reveal_url(field.key) if reveal_url is not None and field.sensitive else ""
        sections.setdefault(str(field.spec.get("section") or ""), []).append(
            (field.key, field.label(), shown(field, values[field.key], references), reveal))
    ordered = sorted(sections.items(), key=lambda item: item[0] != "")  # the main section first
    return {"fields": bool(seen), "sections": [{"name": name, "rows": rows} for name, rows in ordered]}


def revealed(entity: str, path: str, value: Any) -> tuple[str, str]:
    """(label, value as text) of a revealed `custom.<key>` value."""
    fields = _fields(entity)
    key = path.removeprefix(PREFIX)
    return fields.label(key), fields.display(key, value)


def attach_blocks(entity: str, records: list[Any], actor) -> None:
    """`record.custom_rows` = [(key, label, value)] of the filled-in visible fields, for a list of records."""
    fields = _fields(entity)
    role = _role(actor)
    seen = [field for field in fields if field.can_see(role)]
    if not seen:
        for record in records:
            record.custom_rows = []
        return
    values = [_visible(entity, getattr(record, "custom", None), role) for record in records]
    references = References(actor).load(seen, values)
    for record, custom in zip(records, values, strict=True):
        record.custom_rows = [(field.key, field.label(), shown(field, custom[field.key], references))
                              for field in seen if field.key in custom]


def history_user_ids(entity: str, history: Iterable[Any]) -> set[int]:
    """The users that `custom.<key>` history rows of user fields name (for one names lookup)."""
    fields = _fields(entity)
    ids: set[int] = set()
    for row in history:
        if row.field.startswith(PREFIX) and row.field.removeprefix(PREFIX) in fields.user_keys:
            ids |= {value for value in (row.old_value, row.new_value) if isinstance(value, int)}
    return ids


def history_change(entity: str, path: str, old: Any, new: Any, actor,
                   names: Mapping[int, str]) -> tuple[str, str, str] | None:
    """(label, old, new) of a `custom.<key>` history entry as text; None when the role may not see the field.

    `names`: user names by id (see history_user_ids); no query here, whatever the number of entries.
    """
    field = _fields(entity).get(path.removeprefix(PREFIX), archived=True)
    if field is None or not field.can_see(_role(actor)):
        return None

    def text(value: Any) -> str:
        if value in (None, "", [], {}):
            return "—"
        if field.sensitive:  # history keeps sensitive values masked already
            return str(value)
        if field.type.name in ("user", "link"):
            return names.get(value, f"#{value}") if field.type.name == "user" else f"#{value}"
        return field.type.display(value)

    return field.label(), text(old), text(new)


# --- lists -----------------------------------------------------------------------------------------

@dataclass
class ListFilter:
    name: str  # the query parameter: custom.<key>, custom.<key>__gte, …
    field: forms.Field


class CustomList:
    """The custom columns and filters of one list page, for one user."""

    def __init__(self, entity: str, actor):
        self.entity = entity
        self.actor = actor
        self.role = _role(actor)
        self.columns_fields = [field for field in _fields(entity)
                               if field.spec.get("indexed") and field.can_see(self.role)]
        self.filters: list[ListFilter] = []
        for field in self.columns_fields:
            # the rule of the API's `custom.` filters: never a sensitive field (core.customization.filtering)
            if filterable_field(entity, field.key, role=self.role) is not None:
                self.filters.extend(self._filters_of(field))

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(field.key, field.label()) for field in self.columns_fields]

    def _filters_of(self, field: CompiledField) -> list[ListFilter]:
        kind = field.type.name
        label = field.label()
        name = f"{PREFIX}{field.key}"
        if kind in RANGE_TYPES:
            widget = (forms.DateInput(attrs={"type": "date"}) if kind in ("date", "datetime")
                      else forms.TextInput(attrs={"inputmode": "decimal"}))
            return [ListFilter(f"{name}__gte", forms.CharField(
                        label=_("%(field)s from") % {"field": label}, required=False, widget=widget)),
                    ListFilter(f"{name}__lte", forms.CharField(
                        label=_("%(field)s to") % {"field": label}, required=False, widget=widget))]
        if kind in CHOICE_TYPES:
            if kind == "boolean":
                choices = [("true", pgettext("boolean", "Yes")), ("false", pgettext("boolean", "No"))]
            elif kind == "user":
                from core.users import selectors as user_selectors

                choices = [(str(pk), user_name) for pk, user_name in user_selectors.user_list(actor=self.actor)
                           .filter(is_active=True).order_by("name", "id").values_list("pk", "name")]
            else:
                choices = [(option["key"], option["label"]) for option in field.type.describe_options()]
            param = f"{name}__contains" if kind == "multi_select" else name
            return [ListFilter(param, forms.ChoiceField(label=label, required=False,
                                                        choices=[("", _("Any")), *choices]))]
        if kind in TEXT_TYPES:
            return [ListFilter(f"{name}__contains", forms.CharField(label=label, required=False))]
        return [ListFilter(name, forms.CharField(label=label, required=False,
                                                 widget=forms.TextInput(attrs={"inputmode": "numeric"})))]

    def add_filters(self, form: forms.Form) -> forms.Form:
        for item in self.filters:
            form.fields[item.name] = item.field
        return form

    def params(self, query: Mapping[str, Any]) -> dict[str, str]:
        """The filled-in custom filters of a query, as apply_custom_filters takes them."""
        params: dict[str, str] = {}
        for item in self.filters:
            raw = str(query.get(item.name) or "").strip()
            if not raw:
                continue
            field = self._field_of(item.name)
            if field is not None and field.type.name == "datetime" and item.name.endswith("__lte") \
                    and len(raw) == 10:
                raw = f"{raw}T24"  # the whole day: stored times of that day sort before "…T24"
            params[item.name] = raw
        return params

    def _field_of(self, param: str) -> CompiledField | None:
        key = param.removeprefix(PREFIX).partition("__")[0]
        return next((field for field in self.columns_fields if field.key == key), None)

    def filter(self, qs: QuerySet, query: Mapping[str, Any], form: forms.Form | None = None) -> QuerySet:
        """`qs` filtered by the custom filters of `query`; a value that cannot work is an error on `form`."""
        params = self.params(query)
        if not params:
            return qs
        from .filtering import apply_custom_filters

        try:
            return apply_custom_filters(qs, self.entity, params, role=self.role)
        except ValidationError as error:
            if form is not None and form.is_bound:
                form.is_valid()
                for param, messages in error.message_dict.items():
                    form.add_error(param if param in form.fields else None, messages)
            return qs.none()

    def attach(self, records: list[Any]) -> list[Any]:
        """`record.custom_cells` = [(key, label, text)] of every column, for the rows of a page."""
        if not self.columns_fields:
            for record in records:
                record.custom_cells = []
            return records
        values = [_visible(self.entity, getattr(record, "custom", None), self.role) for record in records]
        references = References(self.actor).load(self.columns_fields, values)
        for record, custom in zip(records, values, strict=True):
            record.custom_cells = [(field.key, field.label(), shown(field, custom[field.key], references)
                                    if field.key in custom else "") for field in self.columns_fields]
        return records


# --- export ----------------------------------------------------------------------------------------

def export_columns(entity: str, actor) -> list[CompiledField]:
    """Every active custom field the role sees, in order: one CSV column each (`custom.<key>`)."""
    role = _role(actor)
    return [field for field in _fields(entity) if field.can_see(role)]


def export_cells(entity: str, records: list[Any], actor, columns: list[CompiledField]) -> list[list[str]]:
    """The display values of `columns` for each record (sensitive ones masked, hidden ones absent)."""
    role = _role(actor)
    values = [_visible(entity, getattr(record, "custom", None), role) for record in records]
    references = References(actor).load(columns, values)
    return [[shown(field, custom[field.key], references) if field.key in custom else "" for field in columns]
            for custom in values]
