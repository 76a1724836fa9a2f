"""The base of every record form: fields named like a service's field spec keys, plus the custom fields.

Forms only collect input: the service validates and decides. Every field is an optional text input or
menu named like a key of the service's field spec, so the service sees the same `data` dict the API
would send, and the form shows the service's errors (with the API's codes) next to their fields.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from core.entities.fields import CURRENCIES

LIST_SEPARATORS = re.compile(r"[,，;；\n]")
CURRENCY_CHOICES = [(code, code) for code in ["CNY", *sorted(CURRENCIES - {"CNY"})]]
DATE = forms.DateInput(attrs={"type": "date"})
def text_field(spec, name: str, *, widget: forms.Widget | None = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=spec[name].label, required=False, widget=widget, help_text=help_text)
def menu_field(spec, name: str, choices) -> forms.CharField:
    """A menu that still lets the service judge the value (no form-side choice check)."""
    return forms.CharField(label=spec[name].label, required=False, widget=forms.Select(choices=choices))
def split_list(text: str) -> list[str]:
    """"a, b；c" → ["a", "b", "c"]: how list fields (tags, phones, emails) arrive from one text input."""
    return [part.strip() for part in LIST_SEPARATORS.split(text or "") if part.strip()]


def join_list(values: list[str] | None) -> str:
    return ", ".join(values or [])


class RecordForm(forms.Form):
    """A form whose field names are service spec keys; `service_data()` is the `data` a service takes."""

    list_fields: tuple[str, ...] = ()
    # form-only inputs that are not service fields
    extra_fields: tuple[str, ...] = ()
    # on an update, an empty input keeps the stored value (write-only secrets, numbers that cannot be empty)
    keep_when_empty: tuple[str, ...] = ()
    # the customizable entity the form writes: with an `actor`, its custom fields become inputs too
    entity: str = ""

    def __init__(self, *args, owners: list[tuple[int, str]] | None = None, instance: Any = None, actor: Any = None,
                 **kwargs):
        self.instance = instance
        self.actor = actor
        self.conflict: list[dict[str, Any]] | None = None
        super().__init__(*args, **kwargs)
        if instance is not None and getattr(instance, "version", None) is not None:
            # the version the form was opened at: a save refuses it once someone else saved (shown as a conflict)
            self.fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                                        initial=instance.version)
        if "owner" in self.fields:
            if owners is None:  # this user does not assign records to others: the service sets the owner
                del self.fields["owner"]
            else:
                self.fields["owner"].widget.choices = [("", "—"), *owners]
        self.custom_inputs: dict[str, Any] = {}
        if self.entity and actor is not None:
            from .custom_form import add_custom_fields

            add_custom_fields(self, self.entity, actor=actor, instance=instance)

    def version(self) -> int | None:
        """The version the user edited (None on a create, or when the page did not send one)."""
        if "version" not in self.fields or not self.is_bound:
            return None
        raw = self.data.get(self.add_prefix("version"), "")
        return int(raw) if str(raw).isdigit() and len(str(raw)) <= 18 else None

    def show_conflict(self, error: Any) -> None:
        """Someone saved the record after this form was opened: keep the user's input, list what changed
        meanwhile (as the user's role may see it), and take the current version.

        A three-way merge of the inputs: a field someone else changed that the user left as it was takes
        the new value (so saving again keeps the colleague's change); a field both changed keeps the
        user's value and is marked in `conflicting`, to be decided by saving again or not.
        """
        from .conflicts import conflict_rows

        record = error.record
        entity = self.entity or getattr(self, "record_entity", "")
        since = self.version() or 0
        self.conflict = conflict_rows(self.actor, entity, record.pk, since)
        self.conflicting: set[str] = set()
        data = self.data.copy()
        self._merge_inputs(data, record, entity, since)
        data[self.add_prefix("version")] = str(record.version)
        self.data = data
        self.add_error(None, forms.ValidationError(error.message, code=error.code))

    def _merge_inputs(self, data: Any, record: Any, entity: str, since: int) -> None:
        import copy as copying

        from .custom_form import input_value
        from .history import changes_since

        base_values: dict[str, Any] = {}
        for change in changes_since(actor=self.actor, entity=entity, record_id=record.pk, version=since):
            base_values.setdefault(change.field, change.old_value)  # the oldest: the value the user saw
        if not base_values or not hasattr(self, "initial_for"):
            return
        base = copying.copy(record)
        for field, value in base_values.items():
            if field.startswith("custom."):
                continue
            try:
                model_field = record._meta.get_field(field)
                setattr(base, model_field.attname, model_field.to_python(value))
            except (FieldDoesNotExist, ValidationError, TypeError, ValueError):
                continue  # a masked or removed value: that input is not merged
        now_inputs, base_inputs = self.initial_for(record), self.initial_for(base)
        for field in base_values:
            if field.startswith("custom."):
                item = self.custom_inputs.get(field)
                if item is None or not item.editable or item.field.sensitive:
                    continue
                from .records import plain

                current = plain(record.custom).get(field.removeprefix("custom."))
                was, now = input_value(item.field, base_values[field]), input_value(item.field, current)
            elif field in self.fields and field in now_inputs:
                was, now = base_inputs.get(field, ""), now_inputs.get(field, "")
            else:
                continue
            name = self.add_prefix(field)
            if str(data.get(name, "") or "") == str(was if was is not None else ""):
                data[name] = "" if now is None else str(now)
            else:
                self.conflicting.add(field)

    @property
    def custom_sections(self) -> list[dict[str, Any]]:
        """The custom inputs that have a section, grouped by it (web/form.html shows them as fieldsets)."""
        from .custom_form import custom_sections

        return custom_sections(self)

    def service_data(self) -> dict[str, Any]:
        """Create: every filled-in field. Update: only the fields the user changed. Custom fields: `custom`."""
        from .custom_form import custom_names

        data: dict[str, Any] = {}
        custom = set(custom_names(self))
        for name in self.fields:
            if name in self.extra_fields or name in self.errors or name in custom or name == "version":
                continue
            value = self.cleaned_data.get(name, "")
            if self.instance is None:
                if value in ("", None):
                    continue
            else:
                if name not in self.changed_data:
                    continue
                if name in self.keep_when_empty and value in ("", None):
                    continue
            data[name] = split_list(value) if name in self.list_fields else value
        if self.custom_inputs:
            from .custom_form import custom_payload

            custom = custom_payload(self)
            if custom:
                data["custom"] = custom
        return data


def search_field() -> forms.CharField:
    return forms.CharField(label=_("Search"), required=False,
                           widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, email or phone")}))
class FilterForm(forms.Form):
    def __init__(self, *args, owners: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].choices = [("", _("Anyone")), *[(str(pk), name) for pk, name in owners]]
