"""Custom fields on the web forms of records, generated from the configuration in force.

`add_custom_fields(form, entity, actor=, instance=)` adds one input per active custom field of the entity
that the user's role may see, named `custom.<key>` — the path the service's errors carry, so
core.web.forms.add_service_errors puts each error next to its input. Fields the role may not change
are shown disabled with their display value; fields it may not see are not there at all. Labels, help
and options are in the active language; fields with a `section` are grouped under it (`custom_sections`).

`custom_payload(form)` reads the inputs back into the partial `custom` dict the service takes: on a create
every filled-in value, on an update only the values that changed. The form judges nothing but the shape
of the input (a list for multiple choices, amount and currency, province/city/district); the service
(core.writepath.save.save_record) validates every value, like it does for the API. A sensitive value is
never put into the page: its input starts empty, shows the masked value, and an empty input keeps it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.entities.fields import CURRENCIES
from core.entities.registry import registry

from .compiled import CompiledField
from .fieldtypes import MASK, is_empty, localized
from .record_form import join_list, split_list

PREFIX = "custom."
MENU_LIMIT = 500  # records offered in a link field's menu
NUMERIC_INPUT = {"integer": "numeric", "decimal": "decimal", "percent": "decimal"}
TEXT_INPUT = {"email": "email", "phone": "tel", "url": "url"}


def field_name(key: str) -> str:
    return f"{PREFIX}{key}"


@dataclass
class CustomInput:
    """One custom field on a form: what the input shows and what it sent before (to tell changes apart)."""

    key: str
    kind: str
    field: CompiledField
    editable: bool
    section: str
    initial_payload: Any
    clear_name: str = ""  # a sensitive stored value's "clear" tick box (its input starts empty)

    @property
    def name(self) -> str:
        return field_name(self.key)


# --- widgets and the one field class ---------------------------------------------------------------

class MoneyWidget(forms.MultiWidget):
    """An amount and a currency menu."""

    def __init__(self, currencies: list[str], attrs: dict | None = None):
        super().__init__([forms.TextInput(attrs={"inputmode": "decimal"}),
                          forms.Select(choices=[(code, code) for code in currencies])], attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, Mapping):
            return [value.get("amount"), value.get("currency")]
        return [value, None]


class RegionWidget(forms.MultiWidget):
    """Province, city and district, each its own text input."""

    parts = ("province", "city", "district")

    def __init__(self, attrs: dict | None = None):
        labels = (_("Province"), _("City"), _("District"))
        super().__init__([forms.TextInput(attrs={"placeholder": label, "aria-label": label}) for label in labels],
                         attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, Mapping):
            return [value.get(part) for part in self.parts]
        return [None, None, None]


class RawField(forms.Field):
    """An input passed to the service as typed (trimmed): the form checks nothing, the service decides."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, (list, tuple)):
            return [item.strip() if isinstance(item, str) else item for item in value]
        return value

    def validate(self, value: Any) -> None:  # never required on the form: `required` is the service's rule
        return None


# --- stored value ↔ input ------------------------------------------------------------------------

def _local_input(stored: Any, field: CompiledField) -> str:
    """A stored date and time as a `datetime-local` value in the workspace's time zone."""
    try:
        value = dt.datetime.fromisoformat(str(stored))
    except ValueError:
        return str(stored)
    if value.tzinfo is not None:
        value = value.astimezone(field.type.context.time_zone)
    return value.strftime("%Y-%m-%dT%H:%M")


def input_value(field: CompiledField, stored: Any) -> Any:
    """What an input shows for a stored value (the shape `payload_value` reads back)."""
    kind = field.type.name
    if kind == "money":
        if isinstance(stored, Mapping):
            return [str(stored.get("amount") or ""), stored.get("currency") or field.type.context.currency]
        return ["", field.type.context.currency]
    if kind == "region":
        if isinstance(stored, Mapping):
            return [str(stored.get(part) or "") for part in RegionWidget.parts]
        return ["", "", ""]
    if is_empty(stored):
        return [] if kind == "multi_select" else ""
    if kind == "multi_select":
        return [str(item) for item in stored] if isinstance(stored, list) else [str(stored)]
    if kind == "tags":
        return join_list([str(item) for item in stored]) if isinstance(stored, list) else str(stored)
    if kind == "boolean":
        return "true" if stored is True else "false" if stored is False else str(stored)
    if kind == "datetime":
        return _local_input(stored, field)
    return str(stored)


def payload_value(kind: str, value: Any) -> Any:
    """An input's value as the service takes it; "" or [] for an empty input."""
    if kind == "money":
        amount, currency = [*list(value or []), "", ""][:2]
        amount = (amount or "").strip()
        return {"amount": amount, "currency": (currency or "").strip()} if amount else ""
    if kind == "region":
        parts = [(part or "").strip() for part in [*list(value or []), "", "", ""][:3]]
        return dict(zip(RegionWidget.parts, parts, strict=True)) if any(parts) else ""
    if kind == "multi_select":
        return [item for item in (value or []) if item]
    if kind == "tags":
        return split_list(value or "")
    return value if value is not None else ""


def _blank(value: Any) -> bool:
    return value in ("", None, [])


def _same(kind: str, a: Any, b: Any) -> bool:
    if kind == "multi_select":
        return sorted(a or []) == sorted(b or [])
    return a == b


def masked_text(field: CompiledField, stored: Any) -> str:
    """A sensitive value as a person may see it without revealing it: ****5678, **** CNY, ****."""
    masked = field.type.mask(stored)
    if masked is None:
        return ""
    if isinstance(masked, Mapping):
        return " ".join(str(part) for part in masked.values() if part) or MASK
    if isinstance(masked, list):
        return ", ".join(str(part) for part in masked) or MASK
    return str(masked)


# --- menus ---------------------------------------------------------------------------------------

def _user_menu(actor, cache: dict[str, Any]) -> list[tuple[str, str]]:
    if "users" not in cache:
        from core.users import selectors as user_selectors

        cache["users"] = [(str(pk), name) for pk, name in user_selectors.user_list(actor=actor)
                          .filter(is_active=True).order_by("name", "id").values_list("pk", "name")]
    return cache["users"]


def link_source(actor, entity: str):
    """(the records of `entity` the actor may see, the field naming them), or None when there is no menu."""
    found = registry.find(entity)
    if found is None:
        return None
    return found.read(actor=actor), found.title_field


def _link_menu(actor, entity: str, current: str) -> list[tuple[str, str]] | None:
    source = link_source(actor, entity)
    if source is None:
        return None
    qs, label = source
    menu = [(str(pk), text or f"#{pk}") for pk, text in qs.order_by("-id").values_list("pk", label)[:MENU_LIMIT]]
    if current and current not in {pk for pk, _text in menu}:
        found = qs.filter(pk=int(current)).values_list(label, flat=True).first() if current.isdigit() else None
        menu.append((current, found or f"#{current}"))
    return menu


# --- building the inputs -------------------------------------------------------------------------

def _help(field: CompiledField) -> str:
    return localized(field.spec.get("help"))


def _options(field: CompiledField, current: Iterable[str]) -> list[tuple[str, str]]:
    """The options of a choice field, plus a stored key no longer among them (so saving does not drop it)."""
    options = [(option["key"], option["label"]) for option in field.type.describe_options()]
    known = {key for key, _label in options}
    return options + [(key, key) for key in current if key not in known]


def _editable_input(field: CompiledField, *, actor, current: Any, cache: dict[str, Any]) -> forms.Field:
    kind = field.type.name
    label, help_text = field.label(), _help(field)
    widget: forms.Widget
    if kind == "long_text":
        widget = forms.Textarea(attrs={"rows": 3})
    elif kind in NUMERIC_INPUT:
        widget = forms.TextInput(attrs={"inputmode": NUMERIC_INPUT[kind]})
    elif kind in TEXT_INPUT:
        widget = forms.TextInput(attrs={"inputmode": TEXT_INPUT[kind]})
    elif kind == "date":
        widget = forms.DateInput(attrs={"type": "date"})
    elif kind == "datetime":
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    elif kind == "boolean":
        widget = forms.Select(choices=[("", "—"), ("true", pgettext("boolean", "Yes")),
                                       ("false", pgettext("boolean", "No"))])
    elif kind == "select":
        widget = forms.Select(choices=[("", "—"), *_options(field, [current] if current else [])])
    elif kind == "multi_select":
        widget = forms.CheckboxSelectMultiple(choices=_options(field, current or []))
    elif kind == "tags":
        widget = forms.TextInput()
        help_text = " ".join(filter(None, [help_text, str(_("Separate with commas."))]))
    elif kind == "money":
        currencies = [field.type.context.currency, *sorted(CURRENCIES - {field.type.context.currency})]
        widget = MoneyWidget(currencies)
    elif kind == "region":
        widget = RegionWidget()
    elif kind == "user":
        menu = list(_user_menu(actor, cache))
        if isinstance(current, str) and current and current not in {pk for pk, _name in menu}:
            menu.append((current, f"#{current}"))  # a user no longer active keeps showing
        widget = forms.Select(choices=[("", "—"), *menu])
    elif kind == "link":
        menu = _link_menu(actor, field.type.entity, current if isinstance(current, str) else "")
        widget = (forms.Select(choices=[("", "—"), *menu]) if menu is not None
                  else forms.TextInput(attrs={"inputmode": "numeric"}))
    else:
        widget = forms.TextInput()
    return RawField(label=label, required=False, widget=widget, help_text=help_text)


def _readonly_input(field: CompiledField, stored: Any, actor) -> forms.Field:
    if field.sensitive:
        shown = masked_text(field, stored)
    elif field.type.name in ("user", "link") and not is_empty(stored):
        from .custom_view import References

        shown = References(actor).load([field], [{field.key: stored}]).text(field, stored)
    else:
        shown = field.type.display(stored)
    widget = forms.Textarea(attrs={"rows": 3}) if field.type.name == "long_text" else forms.TextInput()
    help_text = " ".join(filter(None, [_help(field), str(_("Your role cannot change this field."))]))
    return forms.CharField(label=field.label(), required=False, disabled=True, widget=widget, initial=shown,
                           help_text=help_text)


def add_custom_fields(form: forms.Form, entity: str, *, actor, instance: Any = None) -> None:
    """Add the inputs of `entity`'s custom fields that the actor's role sees, in the configured order."""
    from core.access.scoping import access_of

    from .current import current_config
    from .records import plain

    role = access_of(actor).role or ""
    stored_values = plain(getattr(instance, "custom", None)) if instance is not None else {}
    inputs: dict[str, CustomInput] = {}
    cache: dict[str, Any] = {}
    for field in current_config().fields(entity):
        if not field.can_see(role):
            continue
        name = field_name(field.key)
        stored = stored_values.get(field.key)
        editable = field.can_edit(role)
        section = str(field.spec.get("section") or "")
        if instance is None:
            stored = field.default
        if not editable:
            django_field = _readonly_input(field, stored, actor)
            initial_input: Any = django_field.initial
        else:
            hidden_value = instance is not None and field.sensitive  # never put into the page in clear
            initial_input = input_value(field, None if hidden_value else stored)
            django_field = _editable_input(field, actor=actor, current=initial_input, cache=cache)
            if hidden_value and not is_empty(stored):
                django_field.help_text = " ".join(filter(None, [
                    django_field.help_text, _("Now: %(masked)s. Leave empty to keep it.") % {
                        "masked": masked_text(field, stored)}]))
        django_field.custom_key = field.key
        django_field.custom_section = section
        form.fields[name] = django_field
        form.initial[name] = initial_input
        clear_name = ""
        if editable and instance is not None and field.sensitive and not is_empty(stored):
            clear_name = f"{name}__clear"
            clear = forms.BooleanField(required=False, label=_("Clear %(field)s") % {"field": field.label()})
            clear.custom_key, clear.custom_section = field.key, section
            form.fields[clear_name] = clear
        inputs[name] = CustomInput(key=field.key, kind=field.type.name, field=field, editable=editable,
                                   section=section, initial_payload=payload_value(field.type.name, initial_input),
                                   clear_name=clear_name)
    form.custom_inputs = inputs


def custom_payload(form: forms.Form) -> dict[str, Any]:
    """The `custom` values to send: create — every filled-in input; update — the ones that changed.

    On an update, an empty input of a sensitive field keeps the stored value (its input starts empty).
    """
    inputs: Mapping[str, CustomInput] = getattr(form, "custom_inputs", {})
    creating = getattr(form, "instance", None) is None
    payload: dict[str, Any] = {}
    for name, item in inputs.items():
        if not item.editable or name in form.errors:
            continue
        if item.clear_name and form.cleaned_data.get(item.clear_name):
            payload[item.key] = ""  # emptied on purpose (an empty input alone keeps a sensitive value)
            continue
        value = payload_value(item.kind, form.cleaned_data.get(name))
        if creating:
            if _blank(value):
                if _blank(item.initial_payload):
                    continue
                value = ""  # the default was shown and emptied: no value rather than the default
        else:
            if item.field.sensitive and _blank(value):
                continue
            if _same(item.kind, value, item.initial_payload):
                continue
        payload[item.key] = value
    return payload


def custom_sections(form: forms.Form) -> list[dict[str, Any]]:
    """The bound custom inputs grouped by section, in field order (sections in order of first appearance)."""
    inputs: Mapping[str, CustomInput] = getattr(form, "custom_inputs", {})
    groups: dict[str, list[forms.BoundField]] = {}
    for name, item in inputs.items():
        if item.section:
            groups.setdefault(item.section, []).append(form[name])
            if item.clear_name:
                groups[item.section].append(form[item.clear_name])
    return [{"name": section, "fields": fields} for section, fields in groups.items()]


def custom_names(form: forms.Form) -> Iterable[str]:
    """Every form field that belongs to custom fields (their inputs and "clear" tick boxes)."""
    inputs: Mapping[str, CustomInput] = getattr(form, "custom_inputs", {})
    return [*inputs, *(item.clear_name for item in inputs.values() if item.clear_name)]
