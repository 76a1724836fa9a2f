"""Web forms of the configuration settings pages. They only collect input and build document parts.

A custom field form turns its inputs into one field spec, a pipeline form into one pipeline spec; the
view hands that spec to an edit service (core/customization/edits.py), which puts it into the version
in force and alone decides what is valid. Numbers that do not parse are passed on as text so that the service names
the problem at the right JSON path; `place_errors` then puts each ConfigError next to the input (or
repeated row: option, stage) that caused it.

Repeated rows (options of a select field, stages of a pipeline) are posted as `option=<row id>` /
`stage=<row id>` in display order, each row's inputs named `option-<row id>-<column>`; new rows get new
ids from the page script, or from the server when a "Add" submit button is used without it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.entities.registry import registry
from core.users.roles import Role

from .schema import ConfigError

LINK_TARGETS = ("account", "contact", "lead", "deal", "ticket", "campaign", "product")  # the schema's link_entity


def entity_label(key: str) -> str:
    """An entity's plural name ("Accounts"), as the settings pages list them."""
    return str(registry.get(key).label_plural)


def link_entity_labels() -> dict[str, str]:
    """The records a link field can point to, by their singular name."""
    return {key: str(registry.get(key).label) for key in LINK_TARGETS}

TYPE_LABELS = {
    "text": pgettext_lazy("custom field type", "Text"),
    "long_text": pgettext_lazy("custom field type", "Long text"),
    "integer": pgettext_lazy("custom field type", "Whole number"),
    "decimal": pgettext_lazy("custom field type", "Decimal number"),
    "money": pgettext_lazy("custom field type", "Money"),
    "percent": pgettext_lazy("custom field type", "Percentage"),
    "date": pgettext_lazy("custom field type", "Date"),
    "datetime": pgettext_lazy("custom field type", "Date and time"),
    "boolean": pgettext_lazy("custom field type", "Yes / no"),
    "select": pgettext_lazy("custom field type", "Single choice"),
    "multi_select": pgettext_lazy("custom field type", "Multiple choice"),
    "email": pgettext_lazy("custom field type", "Email address"),
    "phone": pgettext_lazy("custom field type", "Phone number"),
    "url": pgettext_lazy("custom field type", "Web address"),
    "user": pgettext_lazy("custom field type", "User"),
    "link": pgettext_lazy("custom field type", "Linked record"),
    "region": pgettext_lazy("custom field type", "Region"),
    "tags": pgettext_lazy("custom field type", "Tags"),
}
STAGE_KIND_LABELS = {
    "open": pgettext_lazy("stage kind", "Open"), "won": pgettext_lazy("stage kind", "Won"),
    "lost": pgettext_lazy("stage kind", "Lost"),
}

TEXT_TYPES = frozenset({"text", "long_text"})
LENGTH_TYPES = frozenset({"text", "long_text", "email", "phone", "url", "multi_select", "tags"})
RANGE_TYPES = frozenset({"integer", "decimal", "money", "percent", "date", "datetime"})
DECIMAL_TYPES = frozenset({"decimal", "money", "percent"})
SELECT_TYPES = frozenset({"select", "multi_select"})
# which inputs of the field form apply to which types (the page script hides the others)
APPLIES_TO: dict[str, frozenset[str]] = {
    "min": RANGE_TYPES, "max": RANGE_TYPES, "min_length": LENGTH_TYPES, "max_length": LENGTH_TYPES,
    "decimal_places": DECIMAL_TYPES, "regex_pattern": TEXT_TYPES, "regex_message_zh": TEXT_TYPES,
    "regex_message_en": TEXT_TYPES, "options": SELECT_TYPES, "link_entity": frozenset({"link"}),
}
# keys of a field spec the form does not edit: kept as they are
KEPT_KEYS = ("default", "required_when", "order", "archived")
LANGUAGE_SUFFIX = {"zh-hans": "zh", "en": "en"}
COLOR = re.compile(r"#[0-9a-fA-F]{6}")  # fullmatch: `$` would allow a final newline
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+\.\d+")
_PATH_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def role_choices() -> list[tuple[str, Any]]:
    return list(Role.choices)


def safe_color(value: Any) -> str:
    """A colour fit for a style attribute, or ""."""
    return value if isinstance(value, str) and COLOR.fullmatch(value) else ""


def parse_path(path: str) -> list[str | int]:
    """("custom_fields", "deal", 2, "label", "zh-hans") for `$.custom_fields.deal[2].label['zh-hans']`."""
    if not path.startswith("$"):
        return []
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _PATH_STEP.match(path, position)
        if match is None:  # a path the schema module would not write: keep the rest as one step
            steps.append(path[position:])
            break
        name, index, quoted = match.groups()
        if name is not None:
            steps.append(name)
        elif index is not None:
            steps.append(int(index))
        else:
            steps.append(re.sub(r"\\(.)", r"\1", quoted))
        position = match.end()
    return steps


def _number(text: str, *, integer: bool) -> Any:
    """A whole number or decimal as JSON wants it; anything else stays text for the service to name."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    if not integer and _DECIMAL.fullmatch(text):
        return float(text)
    return text


def _localized_pair(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh.strip(), "en": en.strip()}


def _language_suffix(steps: list[str | int], position: int) -> str:
    language = steps[position] if len(steps) > position else "zh-hans"
    return LANGUAGE_SUFFIX.get(language, "zh") if isinstance(language, str) else "zh"


# --- repeated rows ---------------------------------------------------------------------------------

@dataclass
class Row:
    """One posted row (an option or a stage) with the errors placed on its columns."""

    id: str
    values: dict[str, Any]
    original: str = ""
    removed: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def get(self, column: str, default: Any = "") -> Any:
        return self.values.get(column, default)


def posted_rows(data: QueryDict, prefix: str, columns: Iterable[str], lists: Iterable[str] = ()) -> list[Row]:
    """The rows named by `prefix=<id>` in posted order, with their columns; duplicates ignored."""
    rows: list[Row] = []
    seen: set[str] = set()
    for row_id in data.getlist(prefix):
        if not re.fullmatch(r"[A-Za-z0-9_]{1,20}", row_id) or row_id in seen:
            continue
        seen.add(row_id)
        name = f"{prefix}-{row_id}-"
        values: dict[str, Any] = {column: data.get(name + column, "").strip() for column in columns}
        for column in lists:
            values[column] = [item for item in data.getlist(name + column) if item]
        rows.append(Row(row_id, values, original=data.get(name + "original", "").strip(),
                        removed=bool(data.get(name + "remove"))))
    return rows


def new_row_id(rows: list[Row]) -> str:
    taken = {row.id for row in rows}
    number = len(rows) + 1
    while f"a{number}" in taken:
        number += 1
    return f"a{number}"


def apply_row_actions(rows: list[Row], data: QueryDict, prefix: str, blank: dict[str, Any]) -> bool:
    """Without the page script, "add" and "up/down" are submit buttons: apply them; True if one was used."""
    if data.get(f"add_{prefix}") is not None:
        rows.append(Row(new_row_id(rows), dict(blank)))
        return True
    move = data.get(f"{prefix}_move", "")
    if move:
        row_id, _sep, direction = move.rpartition(":")
        index = next((i for i, row in enumerate(rows) if row.id == row_id), None)
        if index is not None:
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(rows):
                rows[index], rows[other] = rows[other], rows[index]
        return True
    return False


# --- custom fields ---------------------------------------------------------------------------------

OPTION_COLUMNS = ("key", "label_zh", "label_en", "color")
BLANK_OPTION = dict.fromkeys(OPTION_COLUMNS, "")


class FieldForm(forms.Form):
    """One custom field. The key is fixed once the field exists (`original` names it)."""

    original = forms.CharField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(label=_("Key"), required=False, max_length=200, help_text=_(
        "Lowercase letters, digits and underscores, starting with a letter, for example budget_code. Values "
        "are stored under it, so it cannot be changed once the field is saved."))
    type = forms.ChoiceField(label=_("Type"), choices=list(TYPE_LABELS.items()))
    label_zh = forms.CharField(label=_("Label (Chinese)"), required=False, max_length=1000)
    label_en = forms.CharField(label=_("Label (English)"), required=False, max_length=1000)
    help_zh = forms.CharField(label=_("Help text (Chinese)"), required=False, max_length=1000)
    help_en = forms.CharField(label=_("Help text (English)"), required=False, max_length=1000)
    required = forms.BooleanField(label=_("Required"), required=False, help_text=_(
        "Every record must have a value. Existing records are asked for one when they are next saved."))
    unique = forms.BooleanField(label=_("Unique"), required=False,
                                help_text=_("No two records may have the same value."))
    min = forms.CharField(label=_("Minimum"), required=False, max_length=40, help_text=_(
        "A number; for date fields a date such as 2026-01-31, for date-time fields a date and time with "
        "offset such as 2026-01-31T09:00:00+08:00."))
    max = forms.CharField(label=_("Maximum"), required=False, max_length=40)
    min_length = forms.CharField(label=_("Minimum length"), required=False, max_length=12, help_text=_(
        "Characters of text; items of multiple choice and tags fields."))
    max_length = forms.CharField(label=_("Maximum length"), required=False, max_length=12)
    decimal_places = forms.CharField(label=_("Decimal places"), required=False, max_length=4)
    regex_pattern = forms.CharField(label=_("Pattern (regular expression)"), required=False, max_length=600,
                                    help_text=_("Optional. For example ^[A-Z]{2}\\d+$ for two capitals and "
                                                "digits."))
    regex_message_zh = forms.CharField(label=_("Message when the pattern does not match (Chinese)"),
                                       required=False, max_length=1000)
    regex_message_en = forms.CharField(label=_("Message when the pattern does not match (English)"),
                                       required=False, max_length=1000)
    link_entity = forms.ChoiceField(label=_("Linked record kind"), required=False,
                                    choices=[("", "—"), *link_entity_labels().items()])
    sensitive = forms.BooleanField(label=_("Sensitive"), required=False, help_text=_(
        "Values are encrypted at rest and shown masked to roles that may not reveal them."))
    visible_to = forms.MultipleChoiceField(label=_("Visible to"), required=False,
                                           widget=forms.CheckboxSelectMultiple, help_text=_(
                                               "Leave all unticked to show the field to everyone who sees "
                                               "the record."))
    editable_by = forms.MultipleChoiceField(label=_("Editable by"), required=False,
                                            widget=forms.CheckboxSelectMultiple, help_text=_(
                                                "Leave all unticked to let everyone who may edit the record "
                                                "change it."))
    section = forms.CharField(label=_("Form section"), required=False, max_length=60,
                              help_text=_("Optional. Fields of one section are shown together."))
    indexed = forms.BooleanField(label=_("Indexed"), required=False, help_text=_(
        "Builds a database index: filtering and sorting by this field stay fast in large workspaces."))
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=300)

    def __init__(self, *args: Any, existing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.existing = existing
        for name in ("visible_to", "editable_by"):
            self.fields[name].choices = role_choices()
        if existing:
            self.fields["key"].widget.attrs["readonly"] = True
            self.fields["key"].help_text = _("The key cannot be changed once the field is saved.")
        self.general_errors: list[ConfigError] = []
        self.option_errors: list[str] = []

    @staticmethod
    def initial_from(spec: Mapping[str, Any]) -> dict[str, Any]:
        label, help_text = spec.get("label") or {}, spec.get("help") or {}
        regex = spec.get("regex") or {}
        message = regex.get("message") or {}

        def text(value: Any) -> str:
            return "" if value is None else str(value)

        return {
            "original": spec.get("key", ""), "key": spec.get("key", ""), "type": spec.get("type", "text"),
            "label_zh": label.get("zh-hans", ""), "label_en": label.get("en", ""),
            "help_zh": help_text.get("zh-hans", ""), "help_en": help_text.get("en", ""),
            "required": bool(spec.get("required")), "unique": bool(spec.get("unique")),
            "min": text(spec.get("min")), "max": text(spec.get("max")),
            "min_length": text(spec.get("min_length")), "max_length": text(spec.get("max_length")),
            "decimal_places": text(spec.get("decimal_places")), "regex_pattern": regex.get("pattern", ""),
            "regex_message_zh": message.get("zh-hans", ""), "regex_message_en": message.get("en", ""),
            "link_entity": spec.get("link_entity", ""), "sensitive": bool(spec.get("sensitive")),
            "visible_to": list(spec.get("visible_to") or []), "editable_by": list(spec.get("editable_by") or []),
            "section": spec.get("section", ""), "indexed": bool(spec.get("indexed")),
        }

    def build_spec(self, base: Mapping[str, Any] | None, options: list[Row]) -> dict[str, Any]:
        """The field spec these inputs describe, on top of what the form does not edit in `base`."""
        data = self.cleaned_data
        kind = data.get("type") or "text"
        spec: dict[str, Any] = {}
        key = (base or {}).get("key") if self.existing and base else data.get("key", "").strip()
        spec["key"] = key or ""
        spec["type"] = kind
        spec["label"] = _localized_pair(data.get("label_zh", ""), data.get("label_en", ""))
        if data.get("help_zh", "").strip() or data.get("help_en", "").strip():
            spec["help"] = _localized_pair(data.get("help_zh", ""), data.get("help_en", ""))
        for flag in ("required", "unique", "sensitive", "indexed"):
            if data.get(flag):
                spec[flag] = True
        if kind in RANGE_TYPES:
            for name in ("min", "max"):
                text = data.get(name, "").strip()
                if text:
                    spec[name] = _number(text, integer=kind == "integer") if kind not in ("date", "datetime") \
                        else text
        if kind in LENGTH_TYPES:
            for name in ("min_length", "max_length"):
                text = data.get(name, "").strip()
                if text:
                    spec[name] = _number(text, integer=True)
        if kind in DECIMAL_TYPES and data.get("decimal_places", "").strip():
            spec["decimal_places"] = _number(data["decimal_places"], integer=True)
        if kind in TEXT_TYPES:
            pattern = data.get("regex_pattern", "")
            messages = (data.get("regex_message_zh", ""), data.get("regex_message_en", ""))
            if pattern.strip() or any(m.strip() for m in messages):
                spec["regex"] = {"pattern": pattern.strip(), "message": _localized_pair(*messages)}
        if kind in SELECT_TYPES:
            spec["options"] = [option_spec(row) for row in kept_rows(options)]
        if kind == "link":
            spec["link_entity"] = data.get("link_entity", "")
        for name in ("visible_to", "editable_by"):
            if data.get(name):
                spec[name] = list(data[name])
        if data.get("section", "").strip():
            spec["section"] = data["section"].strip()
        for name in KEPT_KEYS:
            if base and name in base:
                spec[name] = base[name]
        if spec.get("required"):
            spec.pop("required_when", None)
        return spec

    def place_errors(self, errors: Iterable[ConfigError], entity: str, index: int, options: list[Row]) -> None:
        """Each error next to its input: this field's paths, its option rows; everything else above the form."""
        kept = kept_rows(options)
        for error in errors:
            steps = parse_path(error.path)
            if steps[:2] == ["custom_fields", entity] and len(steps) == 2:
                self.add_error("key", error.message)  # the list itself: two fields with one key
            elif steps[:3] == ["custom_fields", entity, index]:
                self._place_field_error(steps[3:], error, kept)
            else:
                self.general_errors.append(error)

    def _place_field_error(self, steps: list[str | int], error: ConfigError, kept: list[Row]) -> None:
        head = steps[0] if steps else None
        if head in ("label", "help"):
            self.add_error(f"{head}_{_language_suffix(steps, 1)}", error.message)
        elif head == "regex":
            part = steps[1] if len(steps) > 1 else "pattern"
            name = "regex_pattern" if part != "message" else f"regex_message_{_language_suffix(steps, 2)}"
            self.add_error(name, error.message)
        elif head == "options":
            row = steps[1] if len(steps) > 1 and isinstance(steps[1], int) and steps[1] < len(kept) else None
            if row is None:
                self.option_errors.append(error.message)
            else:
                column = steps[2] if len(steps) > 2 else "key"
                if column == "label":
                    column = f"label_{_language_suffix(steps, 3)}"
                kept[row].add_error(column if column in OPTION_COLUMNS else "key", error.message)
        elif isinstance(head, str) and head in self.fields and head not in ("original", "note"):
            self.add_error(head, error.message)
        else:
            self.add_error(None, f"{error.path}: {error.message}" if steps else error.message)


def kept_rows(rows: list[Row]) -> list[Row]:
    """Rows that become part of the document: not removed and not left blank (no key, no label)."""
    return [row for row in rows if not row.removed
            and (row.original or any(row.get(column) for column in ("key", "label_zh", "label_en")))]


def option_spec(row: Row) -> dict[str, Any]:
    option: dict[str, Any] = {"key": row.get("key"), "label": _localized_pair(row.get("label_zh"),
                                                                           row.get("label_en"))}
    if row.get("color"):
        option["color"] = row.get("color")
    return option


def option_rows_from(spec: Mapping[str, Any]) -> list[Row]:
    rows = []
    for index, option in enumerate(spec.get("options") or []):
        label = option.get("label") or {}
        rows.append(Row(f"o{index}", {"key": option.get("key", ""), "label_zh": label.get("zh-hans", ""),
                                      "label_en": label.get("en", ""), "color": option.get("color", "")},
                        original=option.get("key", "")))
    return rows or [Row("o0", dict(BLANK_OPTION))]


def posted_options(data: QueryDict) -> list[Row]:
    return posted_rows(data, "option", OPTION_COLUMNS)


# --- pipelines -------------------------------------------------------------------------------------

STAGE_COLUMNS = ("key", "label_zh", "label_en", "probability", "kind", "color", "stale_after_days",
                 "entry_condition")
BLANK_STAGE = {**dict.fromkeys(STAGE_COLUMNS, ""), "kind": "open", "required_fields": []}


class PipelineForm(forms.Form):
    key = forms.CharField(label=_("Key"), required=False, max_length=200, help_text=_(
        "Lowercase letters, digits and underscores, starting with a letter. Deals store it, so it cannot be "
        "changed once the pipeline is saved."))
    label_zh = forms.CharField(label=_("Name (Chinese)"), required=False, max_length=1000)
    label_en = forms.CharField(label=_("Name (English)"), required=False, max_length=1000)
    default = forms.BooleanField(label=_("Default pipeline for new deals"), required=False)
    archived = forms.BooleanField(label=_("Archived"), required=False, help_text=_(
        "Not offered for new deals; deals already in it keep it."))
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=300)

    def __init__(self, *args: Any, existing: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing:
            self.fields["key"].widget.attrs["readonly"] = True
            self.fields["key"].help_text = _("The key cannot be changed once the pipeline is saved.")
        self.general_errors: list[ConfigError] = []
        self.stage_errors: list[str] = []

    @staticmethod
    def initial_from(spec: Mapping[str, Any]) -> dict[str, Any]:
        label = spec.get("label") or {}
        return {"key": spec.get("key", ""), "label_zh": label.get("zh-hans", ""), "label_en": label.get("en", ""),
                "default": bool(spec.get("default")), "archived": bool(spec.get("archived"))}

    def build_spec(self, stages: list[Row]) -> dict[str, Any]:
        """The pipeline these inputs describe; condition JSON that does not parse is an error on its row."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "key": self.existing or data.get("key", "").strip(),
            "label": _localized_pair(data.get("label_zh", ""), data.get("label_en", "")),
        }
        if data.get("default"):
            spec["default"] = True
        if data.get("archived"):
            spec["archived"] = True
        spec["stages"] = [stage_spec(row) for row in kept_rows(stages)]
        return spec

    def place_errors(self, errors: Iterable[ConfigError], index: int, stages: list[Row]) -> None:
        kept = kept_rows(stages)
        for error in errors:
            steps = parse_path(error.path)
            if steps == ["pipelines"]:
                self.add_error(None, error.message)
            elif steps[:2] == ["pipelines", index]:
                self._place(steps[2:], error, kept)
            else:
                self.general_errors.append(error)

    def _place(self, steps: list[str | int], error: ConfigError, kept: list[Row]) -> None:
        head = steps[0] if steps else None
        if head == "label":
            self.add_error(f"label_{_language_suffix(steps, 1)}", error.message)
        elif head in ("key", "default", "archived"):
            self.add_error(head, error.message)
        elif head == "stages":
            row = steps[1] if len(steps) > 1 and isinstance(steps[1], int) and steps[1] < len(kept) else None
            if row is None:
                self.stage_errors.append(error.message)
                return
            column = steps[2] if len(steps) > 2 else "key"
            if column == "label":
                column = f"label_{_language_suffix(steps, 3)}"
            if column not in (*STAGE_COLUMNS, "required_fields"):
                column = "key"
            kept[row].add_error(column, error.message)
        else:
            self.add_error(None, f"{error.path}: {error.message}")


def stage_spec(row: Row) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "key": row.original or row.get("key"),
        "label": _localized_pair(row.get("label_zh"), row.get("label_en")),
        "kind": row.get("kind") or "open",
    }
    if row.get("probability"):
        stage["probability"] = _number(row.get("probability"), integer=True)
    elif stage["kind"] != "open":  # a closing stage is certain; an open one needs the admin's estimate
        stage["probability"] = 100 if stage["kind"] == "won" else 0
    if row.get("color"):
        stage["color"] = row.get("color")
    if row.get("required_fields", []):
        stage["required_fields"] = list(row.get("required_fields", []))
    if row.get("stale_after_days"):
        stage["stale_after_days"] = _number(row.get("stale_after_days"), integer=True)
    if row.get("entry_condition"):
        try:
            stage["entry_condition"] = json.loads(row.get("entry_condition"))
        except ValueError as error:
            row.add_error("entry_condition", str(_("This is not valid JSON: %(detail)s")) % {"detail": error})
    return stage


def stage_rows_from(spec: Mapping[str, Any]) -> list[Row]:
    rows = []
    for index, stage in enumerate(spec.get("stages") or []):
        label = stage.get("label") or {}
        condition = stage.get("entry_condition")
        rows.append(Row(f"s{index}", {
            "key": stage.get("key", ""), "label_zh": label.get("zh-hans", ""), "label_en": label.get("en", ""),
            "probability": "" if stage.get("probability") is None else str(stage["probability"]),
            "kind": stage.get("kind", "open"), "color": stage.get("color", ""),
            "stale_after_days": "" if stage.get("stale_after_days") is None else str(stage["stale_after_days"]),
            "entry_condition": json.dumps(condition, ensure_ascii=False, indent=2) if condition else "",
            "required_fields": list(stage.get("required_fields") or []),
        }, original=stage.get("key", "")))
    return rows


def posted_stages(data: QueryDict) -> list[Row]:
    return posted_rows(data, "stage", STAGE_COLUMNS, lists=("required_fields",))


def row_has_errors(rows: list[Row]) -> bool:
    return any(row.errors for row in rows)


# --- the whole document ----------------------------------------------------------------------------

class JsonForm(forms.Form):
    MAX_UPLOAD = 2 * 1024 * 1024

    text = forms.CharField(label=_("Configuration document (JSON)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "code"}))
    upload = forms.FileField(label=_("Or upload a .json file"), required=False, help_text=_(
        "A file you chose replaces the text above."))
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=300)

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > self.MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload

    def document_text(self) -> str:
        upload = self.cleaned_data.get("upload")
        if upload:
            raw = upload.read()
            try:
                return raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", _("The file is not UTF-8 text."))
                return ""
        return self.cleaned_data.get("text", "")

    def parsed(self) -> tuple[str, Any]:
        """(text, document); document is None and an error is added when the text is not JSON."""
        text = self.document_text()
        if "upload" in self.errors:
            return text, None
        if not text.strip():
            self.add_error("text", _("Paste a configuration document or choose a file."))
            return text, None
        try:
            return text, json.loads(text)
        except ValueError as error:
            line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
            if line is not None:
                self.add_error("text", _("This is not valid JSON (line %(line)d, column %(column)d): %(detail)s")
                               % {"line": line, "column": column, "detail": getattr(error, "msg", str(error))})
            else:
                self.add_error("text", _("This is not valid JSON: %(detail)s") % {"detail": error})
            return text, None


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=300)

