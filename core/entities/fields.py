"""Validation of built-in record fields, declared once per entity and used by every write path.

`clean(spec, data, partial=...)` returns converted values or raises one ValidationError listing
every failing field by name, each message naming the field by its label in the user's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.api.inputs import BIGINT_MAX, json_problems

from .normalize import normalize_emails, normalize_phones

MAX_PHONES = 10  # each number adds 36 search tokens (every 4+ digit substring)
CURRENCIES = frozenset({"CNY", "USD", "EUR", "HKD", "JPY", "GBP", "SGD", "TWD", "KRW", "AUD", "CAD", "CHF"})
MAX_DECIMAL = Decimal("999999999999.99")  # what the numeric(14, 2) money columns hold
TEXT_KINDS = ("text", "longtext", "url", "currency")
# True and False also stand for 1 and 0 (equal hashes)
BOOLEANS = {True: True, False: False, "true": True, "false": False, "True": True, "False": False,
            "1": True, "0": False, "on": True, "off": False}


@dataclass(frozen=True)
class F:
    kind: str
    label: Promise | str
    required: bool = False
    max_length: int | None = None
    choices: Any = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    default: Any = None  # what an empty value becomes, for columns that cannot be empty


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _convert(name: str, spec: F, value: Any) -> Any:
    label = str(spec.label)
    if spec.kind == "custom":  # the custom fields' own validator runs in the write path (save_record)
        if value is not None and not isinstance(value, dict):
            raise _error(name, _("Custom fields must be an object of field keys and values."), "invalid")
        return value
    for problem in json_problems(value)[:1]:  # NUL characters, numbers beyond bigint: any caller, form or import
        raise _error(name, problem["message"], problem["code"])
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == "" or value == []
    if empty and spec.kind == "choice":
        allowed = [c.value for c in spec.choices]
        raise _error(name, _("%(field)s must be one of: %(choices)s.") % {
            "field": label, "choices": ", ".join(allowed)}, "required" if spec.required else "invalid_choice")
    if empty and spec.default is not None and not spec.required:
        return spec.default
    if empty:
        if spec.required:
            raise _error(name, _("%(field)s is required.") % {"field": label}, "required")
        return {"list": [], "phones": [], "emails": [], "decimal": None, "int": None, "date": None,
                "datetime": None, "fk": None, "bool": False}.get(spec.kind, "")
    if spec.kind in TEXT_KINDS:
        if isinstance(value, dict | list | bool):
            raise _error(name, _("%(field)s must be text.") % {"field": label}, "invalid")
        value = str(value).strip()
        if spec.max_length and len(value) > spec.max_length:
            raise _error(name, _("%(field)s can have at most %(n)d characters.") % {"field": label,
                                                                                     "n": spec.max_length},
                         "max_length")
        if spec.kind == "url":
            if "://" not in value:
                value = "https://" + value
            try:
                URLValidator()(value)
            except ValidationError:
                raise _error(name, _("%(field)s is not a valid web address.") % {"field": label}, "invalid") from None
        if spec.kind == "currency":
            value = value.upper()
            if value not in CURRENCIES:
                raise _error(name, _("%(field)s must be an ISO 4217 code such as CNY or USD.") % {"field": label},
                             "invalid_currency")
        return value
    if spec.kind == "choice":
        allowed = [c.value for c in spec.choices]
        if value not in allowed:
            raise _error(name, _("%(field)s must be one of: %(choices)s.") % {
                "field": label, "choices": ", ".join(allowed)}, "invalid_choice")
        return value
    if spec.kind == "list":
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.replace("，", ",").split(",")) if part]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _error(name, _("%(field)s must be a list of words.") % {"field": label}, "invalid")
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if spec.kind == "phones":
        phones = normalize_phones(_as_list(name, label, value), field=name)
        if len(phones) > MAX_PHONES:
            raise _error(name, _("%(field)s can have at most %(n)d numbers.") % {"field": label, "n": MAX_PHONES},
                         "too_many")
        return phones
    if spec.kind == "emails":
        return normalize_emails(_as_list(name, label, value), field=name)
    if spec.kind == "decimal":
        try:
            number = Decimal(str(value).replace(",", ""))
        except (InvalidOperation, ValueError):
            raise _error(name, _("%(field)s must be a number like 1234.50.") % {"field": label}, "invalid") from None
        if not number.is_finite():
            raise _error(name, _("%(field)s must be a number like 1234.50.") % {"field": label}, "invalid")
        _check_range(name, label, spec, number)
        if abs(number) > MAX_DECIMAL:
            raise _error(name, _("%(field)s must be at most %(n)s.") % {"field": label, "n": MAX_DECIMAL},
                         "max_value")
        return number.quantize(Decimal("0.01"))
    if spec.kind == "int":
        try:
            number = int(value)
            if isinstance(value, bool) or abs(number) > BIGINT_MAX:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            raise _error(name, _("%(field)s must be a whole number.") % {"field": label}, "invalid") from None
        _check_range(name, label, spec, number)
        return number
    if spec.kind == "datetime":
        return _datetime(name, label, value)
    if spec.kind == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise _error(name, _("%(field)s must be a date like 2026-12-31.") % {"field": label}, "invalid") from None
    if spec.kind == "bool":
        if isinstance(value, dict | list) or value not in BOOLEANS:
            raise _error(name, _("%(field)s must be true or false.") % {"field": label}, "invalid")
        return BOOLEANS[value]
    if spec.kind == "fk":
        try:
            pk = int(getattr(value, "pk", value))
            if isinstance(value, bool) or not 0 < pk <= BIGINT_MAX:
                raise ValueError
            return pk
        except (TypeError, ValueError, OverflowError):
            raise _error(name, _("%(field)s must be the id of a record.") % {"field": label}, "invalid") from None
    raise ValueError(f"unknown field kind {spec.kind}")


def _datetime(name: str, label: str, value: Any) -> dt.datetime:
    """An aware datetime from ISO 8601 text (a naive one is read in the actor's active time zone) that
    PostgreSQL can store: offsets within ±15:59, years 1 to 9999."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from core.api.inputs import datetime_problem

    parsed = value if isinstance(value, dt.datetime) else None
    if parsed is None and isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise _error(name, _("%(field)s must be a date and time like 2026-12-31T14:30+08:00.") % {"field": label},
                     "invalid")
    aware = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
    problem = datetime_problem(aware)
    if problem:
        raise _error(name, problem, "invalid")
    return aware


def _as_list(name: str, label: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.replace("，", ",").replace(";", ",").split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _error(name, _("%(field)s must be a list of texts.") % {"field": label}, "invalid")
    return list(value)


def _check_range(name: str, label: str, spec: F, number) -> None:
    if spec.min_value is not None and number < spec.min_value:
        raise _error(name, _("%(field)s must be at least %(n)s.") % {"field": label, "n": spec.min_value}, "min_value")
    if spec.max_value is not None and number > spec.max_value:
        raise _error(name, _("%(field)s must be at most %(n)s.") % {"field": label, "n": spec.max_value}, "max_value")


def clean(spec: dict[str, F], data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Convert `data` by `spec`; unknown keys are errors (a typo must not be silently dropped)."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {}
    for key in data:
        if key not in spec:
            errors.setdefault(key, []).append(ValidationError(
                _("“%(field)s” is not a field of this record.") % {"field": key}, code="unknown_field"))
    for name, field_spec in spec.items():
        if name not in data:
            if partial:
                continue
            if field_spec.required:
                errors.setdefault(name, []).append(ValidationError(
                    _("%(field)s is required.") % {"field": str(field_spec.label)}, code="required"))
            continue
        try:
            cleaned[name] = _convert(name, field_spec, data[name])
        except ValidationError as error:
            for field, items in error.error_dict.items():
                errors.setdefault(field, []).extend(items)
    if errors:
        raise ValidationError(errors)
    return cleaned


def input_serializer(name: str, spec: dict[str, F], *, optional: tuple[str, ...] = ()) -> type:
    """The OpenAPI description of what `clean(spec, …)` accepts, as a DRF serializer class named `name`
    (documentation only: the services clean the payload). `optional` names required fields the service
    fills in itself. A PATCH body (partial) requires nothing."""
    from rest_framework import serializers

    def field(key: str, f: F) -> serializers.Field:
        required = f.required and key not in optional
        common = {"required": required, "help_text": str(f.label)}
        if f.kind in ("text", "longtext", "url"):
            return serializers.CharField(allow_blank=not required, max_length=f.max_length, **common)
        if f.kind == "currency":
            return serializers.ChoiceField(choices=sorted(CURRENCIES), allow_blank=True, **common)
        if f.kind == "choice":
            return serializers.ChoiceField(choices=f.choices.choices, **common)
        if f.kind in ("list", "phones", "emails"):
            return serializers.ListField(child=serializers.CharField(), **common)
        if f.kind == "decimal":
            return serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=not required,
                                            min_value=f.min_value, max_value=f.max_value or MAX_DECIMAL, **common)
        if f.kind == "int":
            return serializers.IntegerField(allow_null=not required, min_value=f.min_value, max_value=f.max_value,
                                            **common)
        if f.kind == "date":
            return serializers.DateField(allow_null=not required, **common)
        if f.kind == "datetime":
            return serializers.DateTimeField(allow_null=not required, **common)
        if f.kind == "bool":
            return serializers.BooleanField(**common)
        if f.kind == "fk":
            return serializers.IntegerField(allow_null=not required, min_value=1, max_value=BIGINT_MAX, **common)
        if f.kind == "custom":
            return serializers.DictField(required=False, help_text=_custom_help)
        raise ValueError(f"unknown field kind {f.kind}")

    return type(name, (serializers.Serializer,), {key: field(key, f) for key, f in spec.items()})


_custom_help = "Custom field values by key (see GET /api/v1/meta/fields/{entity}); a PATCH changes only the keys it sends."
