"""Custom field types: how a value a person enters becomes the JSON kept in `record.custom`, and back.

One small class per type of the configuration spec. An instance is built once per field when a
configuration version is compiled (regexes compiled, limits and options parsed), so cleaning a value
later is cheap. Nothing here reads the database: uniqueness and whether a user or a linked record
exists are checked by the caller (see `CompiledFields.unique_keys`, `user_keys`, `link_entities`).

Messages are translated when they are raised, in the active language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.entities.fields import CURRENCIES
from core.entities.masking import MASK, mask_email, mask_phone, mask_text
from core.entities.normalize import fold, phone_digits

from .patterns import PatternError, compile_pattern

LANGUAGES = ("zh-hans", "en")
MAX_SAFE_INTEGER = 2**53 - 1  # larger integers lose precision in JavaScript clients
MAX_ID = 2**63 - 1
MAX_INTEGER_DIGITS = 18  # decimal, money, percent: digits before the point; every integer value fits
TAG_MAX_LENGTH = 50
REGION_PART_MAX_LENGTH = 50

_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGITS = re.compile(r"\d+")
_TAG_SEPARATORS = re.compile(r"[,，;；、\n]")
_EMAIL_VALIDATOR = EmailValidator()
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on", "是", "真"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "off", "否", "假"})


class FieldValueError(ValueError):
    """A value does not fit its field; `message` is already in the active language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FieldSpecError(ValueError):
    """A field spec cannot be compiled (bad regex, invalid default, limits of the wrong kind).

    `path` names the key inside the spec at fault, such as ("regex", "pattern"), when one is.
    """

    def __init__(self, message: str, path: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class FieldContext:
    """Workspace settings a value depends on: phone region, time zone, default currency."""

    region: str = "CN"
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    currency: str = "CNY"


def language_code(language: str | None = None) -> str:
    """The catalogue language for `language`, or for the active one: zh-hans or en."""
    code = (language or translation.get_language() or "en").lower()
    return "zh-hans" if code.startswith("zh") else "en"


def localized(text: Mapping[str, str] | str | None, language: str | None = None) -> str:
    """Localized text in `language`, falling back to the other language rather than showing nothing."""
    if not text:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language_code(language)) or next((text[code] for code in LANGUAGES if text.get(code)), "")


def is_empty(value: Any) -> bool:
    """None, blank strings, [] and {} all mean "no value" (stored as absent)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, tuple, dict)) and not value


def _shorten(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number_text(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)


def parse_decimal(raw: Any) -> Decimal | None:
    """A finite Decimal from a number or a plain decimal string ("1,234.50", full-width digits), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = fold(raw).replace(",", "").replace(" ", "")
        if not _DECIMAL_TEXT.fullmatch(text):
            return None
        value = Decimal(text)
    else:
        return None
    return value if value.is_finite() else None


# --- limits shared by several types -----------------------------------------------------------------

@dataclass(frozen=True)
class LengthRule:
    """min_length/max_length: characters for strings, item counts for lists."""

    minimum: int | None
    maximum: int | None
    unit: str = "characters"

    def check(self, size: int) -> None:
        if self.minimum is not None and size < self.minimum:
            raise FieldValueError(self._message("min", self.minimum))
        if self.maximum is not None and size > self.maximum:
            raise FieldValueError(self._message("max", self.maximum))

    def _message(self, side: str, n: int) -> str:
        if self.unit == "options":
            text = (ngettext("Choose at least %(n)d option.", "Choose at least %(n)d options.", n) if side == "min"
                    else ngettext("Choose at most %(n)d option.", "Choose at most %(n)d options.", n))
        elif self.unit == "tags":
            text = (ngettext("Enter at least %(n)d tag.", "Enter at least %(n)d tags.", n) if side == "min"
                    else ngettext("Enter at most %(n)d tag.", "Enter at most %(n)d tags.", n))
        elif self.unit == "digits":
            text = (ngettext("Enter at least %(n)d digit.", "Enter at least %(n)d digits.", n) if side == "min"
                    else ngettext("Enter at most %(n)d digit.", "Enter at most %(n)d digits.", n))
        else:
            text = (ngettext("Enter at least %(n)d character.", "Enter at least %(n)d characters.", n)
                    if side == "min"
                    else ngettext("Enter at most %(n)d character.", "Enter at most %(n)d characters.", n))
        return text % {"n": n}


def _length_rule(spec: Mapping[str, Any], default_max: int | None, unit: str = "characters") -> LengthRule:
    maximum = spec.get("max_length")
    return LengthRule(spec.get("min_length"), default_max if maximum is None else maximum, unit)


def _spec_number(spec: Mapping[str, Any], name: str) -> Decimal | None:
    value = spec.get(name)
    if value is None:
        return None
    number = parse_decimal(value)
    if number is None:
        raise FieldSpecError(_("“%(name)s” of the field “%(key)s” must be a number.") % {
            "name": name, "key": spec.get("key")})
    return number


# --- the types -----------------------------------------------------------------------------------

class FieldType:
    """One field's rules. Subclasses implement `_clean` (raw, non-empty input → stored JSON value)."""

    name: ClassVar[str]
    # types whose stored value, passed through `export`, this type's `clean` understands
    converts_from: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        self.spec = spec
        self.key: str = spec.get("key", "")
        self.context = context

    def clean(self, raw: Any) -> Any:
        """The JSON value to store, None for an empty value; raises FieldValueError."""
        return None if is_empty(raw) else self._clean(raw)

    def _clean(self, raw: Any) -> Any:
        raise NotImplementedError

    def to_python(self, stored: Any) -> Any:
        return None if stored is None else self._to_python(stored)

    def _to_python(self, stored: Any) -> Any:
        return stored

    def python_value(self, stored: Any) -> Any:
        """`to_python` that never raises: a value stored under other rules is given back as stored."""
        try:
            return self.to_python(stored)
        except (ValueError, TypeError, KeyError, ArithmeticError):
            return stored

    def display(self, stored: Any, language: str | None = None) -> str:
        """Text for a person; never raises, even on a value stored under other rules."""
        if is_empty(stored):
            return ""
        try:
            return self._display(stored, language_code(language))
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError):
            return str(stored)

    def _display(self, stored: Any, language: str) -> str:
        return str(stored)

    def mask(self, stored: Any) -> Any:
        """A stand-in for a sensitive value, shaped like the stored value where that makes sense."""
        return None if is_empty(stored) else self._mask(stored)

    def _mask(self, stored: Any) -> Any:
        return MASK

    def export(self, stored: Any) -> Any:
        """The stored value as plain input for another type's `clean` (type changes)."""
        return stored

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        """A value stored under `source` as a value of this field, or FieldValueError (type changes)."""
        if is_empty(stored):
            return None
        if source.name == self.name:
            return self.clean(stored)
        if source.name not in self.converts_from:
            raise FieldValueError(_("This value cannot be converted to the new type."))
        return self.clean(source.export(stored))

    def describe_limits(self) -> dict[str, Any]:
        """The limits a form needs (min, max, min_length, max_length, decimal_places); None when n/a."""
        return {"min": None, "max": None, "min_length": None, "max_length": None, "decimal_places": None}

    def unique_error(self) -> str:
        return _("Another record already has this value.")


class TextType(FieldType):
    name = "text"
    multiline = False
    default_max_length: ClassVar[int | None] = 255

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.length = _length_rule(spec, self.default_max_length)
        rule = spec.get("regex")
        self.pattern: Any = None  # an RE2 pattern (linear time): admins write it
        self.pattern_message: Mapping[str, str] | None = None
        if rule:
            try:
                self.pattern = compile_pattern(rule["pattern"])
            except (PatternError, KeyError, TypeError) as error:
                detail = error.detail if isinstance(error, PatternError) else error
                raise FieldSpecError(_("The pattern of the field “%(key)s” is not a valid regular expression "
                                       "(%(error)s). Check brackets and escapes.") % {
                    "key": self.key, "error": detail}, path=("regex", "pattern")) from None
            self.pattern_message = rule.get("message")

    def _clean(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise FieldValueError(_("Enter text."))
        value = raw.strip()
        if not self.multiline and ("\n" in value or "\r" in value):
            raise FieldValueError(_("Enter the text on a single line."))
        self.length.check(len(value))
        if self.pattern is not None and not self.pattern.search(value):
            raise FieldValueError(localized(self.pattern_message) or _("Enter a value in the expected format."))
        return value

    def _mask(self, stored: Any) -> str:
        return mask_text(str(stored))

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        """Anything becomes text through its display string."""
        if is_empty(stored):
            return None
        if source.name == self.name:
            return self.clean(stored)
        text = source.display(stored, language)
        return self.clean(text if self.multiline else " ".join(text.split()))

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min_length": self.length.minimum, "max_length": self.length.maximum}


class LongTextType(TextType):
    name = "long_text"
    multiline = True
    default_max_length = 10000


class IntegerType(FieldType):
    name = "integer"
    converts_from = frozenset({"text", "long_text", "decimal", "percent", "money"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.minimum = _spec_number(spec, "min")
        self.maximum = _spec_number(spec, "max")

    def _clean(self, raw: Any) -> int:
        number = parse_decimal(raw)
        if number is None or number != number.to_integral_value():
            raise FieldValueError(pgettext("custom field", "Enter a whole number."))
        value = int(number)
        _check_range(value, self.minimum, self.maximum, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
        return value

    def _to_python(self, stored: Any) -> int:
        return int(stored)

    def _mask(self, stored: Any) -> str:
        return mask_text(str(stored))

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min": self.spec.get("min"), "max": self.spec.get("max")}


def _check_range(value: Decimal | int, minimum: Decimal | None, maximum: Decimal | None,
                 floor: Decimal | int | None = None, ceiling: Decimal | int | None = None) -> None:
    low = minimum if minimum is not None else floor
    high = maximum if maximum is not None else ceiling
    if low is not None and value < low:
        raise FieldValueError(_("The value must be at least %(min)s.") % {"min": _number_text(low)})
    if high is not None and value > high:
        raise FieldValueError(_("The value must be at most %(max)s.") % {"max": _number_text(high)})


class DecimalType(FieldType):
    """Stored as a fixed-point string with exactly `decimal_places` places ("12.50")."""

    name = "decimal"
    converts_from = frozenset({"text", "long_text", "integer", "percent", "money"})
    default_min: ClassVar[Decimal | None] = None
    default_max: ClassVar[Decimal | None] = None

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.places: int = spec.get("decimal_places", 2)
        self.quantum = Decimal(1).scaleb(-self.places)
        self.minimum = _spec_number(spec, "min")
        self.maximum = _spec_number(spec, "max")
        if self.minimum is None:
            self.minimum = self.default_min
        if self.maximum is None:
            self.maximum = self.default_max

    def number(self, raw: Any) -> Decimal:
        value = parse_decimal(raw)
        if value is None:
            raise FieldValueError(pgettext("custom field", "Enter a number."))
        if value.adjusted() >= MAX_INTEGER_DIGITS:
            raise FieldValueError(_("Enter a number with at most %(digits)d digits before the decimal point.")
                                  % {"digits": MAX_INTEGER_DIGITS})
        if value.quantize(self.quantum) != value:
            if self.places == 0:
                raise FieldValueError(pgettext("custom field", "Enter a whole number."))
            raise FieldValueError(ngettext("Enter a number with at most %(places)d decimal place.",
                                           "Enter a number with at most %(places)d decimal places.",
                                           self.places) % {"places": self.places})
        _check_range(value, self.minimum, self.maximum)
        return value.quantize(self.quantum)

    def _clean(self, raw: Any) -> Any:
        return str(self.number(raw))

    def _to_python(self, stored: Any) -> Any:
        return Decimal(str(stored))

    def _mask(self, stored: Any) -> str:
        return mask_text(str(stored))

    def describe_limits(self) -> dict[str, Any]:
        def limit(name: str, default: Decimal | None) -> Any:
            value = self.spec.get(name)
            return value if value is not None else (None if default is None else int(default))

        return {**super().describe_limits(), "min": limit("min", self.default_min),
                "max": limit("max", self.default_max), "decimal_places": self.places}


class PercentType(DecimalType):
    name = "percent"
    converts_from = frozenset({"text", "long_text", "integer", "decimal", "money"})
    default_min = Decimal(0)
    default_max = Decimal(100)

    def _display(self, stored: Any, language: str) -> str:
        return f"{stored}%"


class MoneyType(DecimalType):
    """{"amount": "12.50", "currency": "CNY"}; a bare number is an amount in the workspace currency."""

    name = "money"
    converts_from = frozenset({"text", "long_text", "integer", "decimal", "percent"})
    symbols: ClassVar[dict[str, str]] = {"CNY": "¥"}

    def _clean(self, raw: Any) -> Any:
        currency = self.context.currency
        if isinstance(raw, Mapping):
            if "amount" not in raw or set(raw) - {"amount", "currency"}:
                raise FieldValueError(_("Enter an amount and a currency code, such as 12.50 CNY."))
            if is_empty(raw["amount"]):
                return None
            currency = raw.get("currency") or currency
            if not isinstance(currency, str) or currency.strip().upper() not in self.currencies:
                raise FieldValueError(_("Enter a currency code such as CNY or USD."))
            currency = currency.strip().upper()
            raw = raw["amount"]
        return {"amount": str(self.number(raw)), "currency": currency}

    @property
    def currencies(self) -> frozenset[str]:
        return CURRENCIES | {self.context.currency}

    def _to_python(self, stored: Any) -> dict[str, Any]:
        return {"amount": Decimal(str(stored["amount"])), "currency": stored["currency"]}

    def _display(self, stored: Any, language: str) -> str:
        currency = stored["currency"]
        symbol = self.symbols.get(currency)
        return f"{symbol}{stored['amount']}" if symbol else f"{currency} {stored['amount']}"

    def _mask(self, stored: Any) -> Any:
        return {"amount": MASK, "currency": stored.get("currency") if isinstance(stored, Mapping) else None}

    def export(self, stored: Any) -> Any:
        return stored["amount"]


def _zone_text(value: dt.datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


class DateType(FieldType):
    name = "date"
    converts_from = frozenset({"text", "long_text"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        try:
            self.minimum = self.parse(spec["min"]) if spec.get("min") is not None else None
            self.maximum = self.parse(spec["max"]) if spec.get("max") is not None else None
        except FieldValueError:
            raise FieldSpecError(_("“min” and “max” of the field “%(key)s” must be dates like 2026-12-31.")
                                 % {"key": self.key}) from None

    def parse(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, str) and _DATE_TEXT.fullmatch(text := fold(raw)):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        raise FieldValueError(_("Enter a date like 2026-12-31."))

    def _clean(self, raw: Any) -> str:
        value = self.parse(raw)
        if self.minimum is not None and value < self.minimum:
            raise FieldValueError(_("Enter a date on or after %(min)s.") % {"min": self.minimum.isoformat()})
        if self.maximum is not None and value > self.maximum:
            raise FieldValueError(_("Enter a date on or before %(max)s.") % {"max": self.maximum.isoformat()})
        return value.isoformat()

    def _to_python(self, stored: Any) -> dt.date:
        return dt.date.fromisoformat(stored)

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        """A date and time becomes its date in the workspace time zone."""
        if source.name == "datetime" and not is_empty(stored):
            try:
                local = dt.datetime.fromisoformat(stored).astimezone(self.context.time_zone)
            except (TypeError, ValueError):
                raise FieldValueError(_("This value cannot be converted to the new type.")) from None
            return self.clean(local.date())
        return super().convert_from(stored, source, language)

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min": self.spec.get("min"), "max": self.spec.get("max")}


class DateTimeType(FieldType):
    """Naive input is in the workspace time zone; stored in that zone, to the second, with its offset."""

    name = "datetime"
    converts_from = frozenset({"text", "long_text", "date"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        try:
            self.minimum = self.parse(spec["min"]) if spec.get("min") is not None else None
            self.maximum = self.parse(spec["max"]) if spec.get("max") is not None else None
        except FieldValueError:
            raise FieldSpecError(_("“min” and “max” of the field “%(key)s” must be date-times like "
                                   "2026-12-31T09:00:00+08:00.") % {"key": self.key}) from None

    def parse(self, raw: Any) -> dt.datetime:
        if isinstance(raw, dt.datetime):
            value = raw
        elif isinstance(raw, dt.date):
            value = dt.datetime.combine(raw, dt.time())
        elif isinstance(raw, str):
            try:
                value = dt.datetime.fromisoformat(fold(raw).upper())
            except ValueError:
                raise FieldValueError(_("Enter a date and time like 2026-12-31 14:30.")) from None
        else:
            raise FieldValueError(_("Enter a date and time like 2026-12-31 14:30."))
        zone = self.context.time_zone
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value.astimezone(zone).replace(microsecond=0)

    def _clean(self, raw: Any) -> str:
        value = self.parse(raw)
        zone = self.context.time_zone
        if self.minimum is not None and value < self.minimum:
            raise FieldValueError(_("Enter a time on or after %(min)s.") % {"min": _zone_text(self.minimum, zone)})
        if self.maximum is not None and value > self.maximum:
            raise FieldValueError(_("Enter a time on or before %(max)s.") % {"max": _zone_text(self.maximum, zone)})
        return value.isoformat()

    def _to_python(self, stored: Any) -> dt.datetime:
        return dt.datetime.fromisoformat(stored)

    def _display(self, stored: Any, language: str) -> str:
        return _zone_text(dt.datetime.fromisoformat(stored), self.context.time_zone)

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min": self.spec.get("min"), "max": self.spec.get("max")}


class BooleanType(FieldType):
    name = "boolean"
    converts_from = frozenset({"text", "long_text", "integer"})
    _words: ClassVar[dict[str, tuple[str, str]]] = {}  # language → (yes, no), filled on first display

    def _clean(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str):
            word = fold(raw)
            if word in _TRUE_WORDS:
                return True
            if word in _FALSE_WORDS:
                return False
        raise FieldValueError(_("Choose yes or no."))

    def _display(self, stored: Any, language: str) -> str:
        if language not in self._words:
            with translation.override(language):
                self._words[language] = (pgettext("boolean", "Yes"), pgettext("boolean", "No"))
        yes, no = self._words[language]
        return yes if stored else no


class SelectType(FieldType):
    """An option key. Type changes also accept an option's label in either language."""

    name = "select"
    converts_from = frozenset({"text", "long_text", "multi_select", "tags"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.options: dict[str, Mapping[str, Any]] = {option["key"]: option for option in spec.get("options") or []}
        self.positions = {key: index for index, key in enumerate(self.options)}
        self.by_label: dict[str, str] = {}
        for key, option in self.options.items():
            for text in (key, *(option.get("label") or {}).values()):
                self.by_label.setdefault(fold(text), key)

    def option_label(self, key: str, language: str | None = None) -> str:
        option = self.options.get(key)
        return (localized(option.get("label"), language) or key) if option else str(key)

    def match(self, text: Any) -> str:
        """The option `text` names by key or label; FieldValueError otherwise."""
        if isinstance(text, str):
            if text in self.options:
                return text
            key = self.by_label.get(fold(text))
            if key is not None:
                return key
        raise FieldValueError(_("“%(value)s” is not one of the options.") % {"value": _shorten(text)})

    def _clean(self, raw: Any) -> str:
        if isinstance(raw, str) and raw in self.options:
            return raw
        raise FieldValueError(_("“%(value)s” is not one of the options.") % {"value": _shorten(raw)})

    def _display(self, stored: Any, language: str) -> str:
        return self.option_label(stored, language)

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        if is_empty(stored) or source.name == self.name or source.name not in self.converts_from:
            return super().convert_from(stored, source, language)
        if isinstance(stored, list):
            if len(stored) > 1:
                raise FieldValueError(_("A single choice keeps one option; this value has %(count)d.")
                                      % {"count": len(stored)})
            stored = stored[0]
        return self.match(stored)

    def describe_options(self, language: str | None = None) -> list[dict[str, Any]]:
        return [{"key": key, "label": self.option_label(key, language), "color": option.get("color")}
                for key, option in self.options.items()]


class MultiSelectType(SelectType):
    """Unique option keys, kept in the order the options are defined."""

    name = "multi_select"
    converts_from = frozenset({"text", "long_text", "select", "tags"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.count = _length_rule(spec, None, "options")

    def _clean(self, raw: Any) -> list[str] | None:
        if not isinstance(raw, (list, tuple)):
            raise FieldValueError(_("Choose a list of options."))
        keys = {SelectType._clean(self, item) for item in raw}
        self.count.check(len(keys))
        return sorted(keys, key=self.positions.__getitem__)

    def _display(self, stored: Any, language: str) -> str:
        return _join([self.option_label(key, language) for key in stored], language)

    def _mask(self, stored: Any) -> list[str]:
        return [MASK]

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        if is_empty(stored) or source.name == self.name or source.name not in self.converts_from:
            return FieldType.convert_from(self, stored, source, language)
        items = stored if isinstance(stored, list) else [stored]
        return self.clean([self.match(item) for item in items])

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min_length": self.count.minimum, "max_length": self.count.maximum}


def _join(items: Sequence[str], language: str) -> str:
    return ("、" if language == "zh-hans" else ", ").join(items)


class EmailType(FieldType):
    name = "email"
    converts_from = frozenset({"text", "long_text"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.length = _length_rule(spec, 254)

    def _clean(self, raw: Any) -> str:
        value = fold(raw).replace(" ", "") if isinstance(raw, str) else ""
        try:
            _EMAIL_VALIDATOR(value)
        except ValidationError:
            raise FieldValueError(_("Enter a valid email address, like name@company.com.")) from None
        self.length.check(len(value))
        return value

    def _mask(self, stored: Any) -> str:
        return mask_email(str(stored))

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min_length": self.length.minimum, "max_length": self.length.maximum}


class PhoneType(FieldType):
    """E.164. Length limits count the national digits people type (13812345678 has 11)."""

    name = "phone"
    converts_from = frozenset({"text", "long_text", "integer"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.length = _length_rule(spec, None, "digits")

    def _clean(self, raw: Any) -> str:
        text = fold(str(raw)) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
        try:
            number = phonenumbers.parse(text, self.context.region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise FieldValueError(
                _("“%(value)s” is not a valid phone number. Use a mobile like 138 1234 5678 or +86 21 1234 5678.")
                % {"value": _shorten(raw)})
        value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        self.length.check(len(phone_digits(value)))
        return value

    def _display(self, stored: Any, language: str) -> str:
        number = phonenumbers.parse(stored, None)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def _mask(self, stored: Any) -> str:
        return mask_phone(str(stored))

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min_length": self.length.minimum, "max_length": self.length.maximum}


class UrlType(FieldType):
    """http(s) only; an address typed without a scheme gets https://."""

    name = "url"
    converts_from = frozenset({"text", "long_text"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.length = _length_rule(spec, 2048)

    def _clean(self, raw: Any) -> str:
        value = raw.strip() if isinstance(raw, str) else ""
        if value and "://" not in value:
            value = "https://" + value
        try:
            _URL_VALIDATOR(value)
        except ValidationError:
            raise FieldValueError(_("Enter a valid web address, like https://www.example.com.")) from None
        self.length.check(len(value))
        return value

    def _mask(self, stored: Any) -> str:
        return mask_text(str(stored))

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min_length": self.length.minimum, "max_length": self.length.maximum}


class ReferenceType(FieldType):
    """A positive integer id; whether it exists is for the caller to check (`reference_error`)."""

    def _clean(self, raw: Any) -> int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
            value = int(raw.strip())
        else:
            raise FieldValueError(self.invalid_error())
        if not 0 < value <= MAX_ID:
            raise FieldValueError(self.invalid_error())
        return value

    def _to_python(self, stored: Any) -> int:
        return int(stored)

    def invalid_error(self) -> str:
        raise NotImplementedError

    def reference_error(self) -> str:
        raise NotImplementedError


class UserType(ReferenceType):
    name = "user"

    def invalid_error(self) -> str:
        return _("Enter the id of a user.")

    def reference_error(self) -> str:
        return _("This user is not an active member of the workspace.")


class LinkType(ReferenceType):
    name = "link"

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.entity: str = spec.get("link_entity", "")

    def invalid_error(self) -> str:
        return _("Enter the id of a record.")

    def reference_error(self) -> str:
        return _("This record does not exist.")

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        """Only a link to the same kind of record stays a link."""
        if not is_empty(stored) and isinstance(source, LinkType) and source.entity != self.entity:
            raise FieldValueError(_("This value cannot be converted to the new type."))
        return super().convert_from(stored, source, language)


class RegionType(FieldType):
    """{"province", "city", "district"}; also accepts [province, city, district] as a cascader sends it."""

    name = "region"
    parts = ("province", "city", "district")

    def _clean(self, raw: Any) -> dict[str, str]:
        if isinstance(raw, Mapping) and not set(raw) - set(self.parts):
            values = [raw.get(part) or "" for part in self.parts]
        elif isinstance(raw, (list, tuple)) and len(raw) <= len(self.parts):
            values = [*(item or "" for item in raw), "", "", ""][: len(self.parts)]
        else:
            raise FieldValueError(self._invalid())
        if not all(isinstance(value, str) for value in values):
            raise FieldValueError(self._invalid())
        province, city, district = (value.strip() for value in values)
        if not province or (district and not city) or "\n" in province + city + district:
            raise FieldValueError(self._invalid())
        if max(len(province), len(city), len(district)) > REGION_PART_MAX_LENGTH:
            raise FieldValueError(ngettext("Each part of a region can have at most %(n)d character.",
                                           "Each part of a region can have at most %(n)d characters.",
                                           REGION_PART_MAX_LENGTH) % {"n": REGION_PART_MAX_LENGTH})
        return {"province": province, "city": city, "district": district}

    @staticmethod
    def _invalid() -> str:
        return _("Enter a province, optionally with a city and a district.")

    def _display(self, stored: Any, language: str) -> str:
        return " ".join(stored[part] for part in self.parts if stored.get(part))

    def _mask(self, stored: Any) -> dict[str, str]:
        return dict.fromkeys(self.parts, MASK)


class TagsType(FieldType):
    """Unique non-empty strings (case-insensitively), in the order entered."""

    name = "tags"
    converts_from = frozenset({"text", "long_text"})

    def __init__(self, spec: Mapping[str, Any], context: FieldContext):
        super().__init__(spec, context)
        self.count = _length_rule(spec, 100, "tags")

    def _clean(self, raw: Any) -> list[str] | None:
        if not isinstance(raw, (list, tuple)) or not all(isinstance(item, str) for item in raw):
            raise FieldValueError(_("Enter a list of tags."))
        tags: dict[str, str] = {}
        for item in raw:
            tag = " ".join(item.split())
            if len(tag) > TAG_MAX_LENGTH:
                raise FieldValueError(_("A tag can have at most %(n)d characters: “%(tag)s”.")
                                      % {"n": TAG_MAX_LENGTH, "tag": _shorten(tag)})
            if tag:
                tags.setdefault(fold(tag), tag)
        if not tags:
            return None
        self.count.check(len(tags))
        return list(tags.values())

    def _display(self, stored: Any, language: str) -> str:
        return _join(stored, language)

    def _mask(self, stored: Any) -> list[str]:
        return [MASK]

    def convert_from(self, stored: Any, source: FieldType, language: str | None = None) -> Any:
        """Text splits at commas; options become their labels."""
        if is_empty(stored):
            return None
        if isinstance(source, SelectType) and source.name != self.name:
            keys = stored if isinstance(stored, list) else [stored]
            return self.clean([source.option_label(key, language) for key in keys])
        if source.name in self.converts_from and isinstance(stored, str):
            return self.clean(_TAG_SEPARATORS.split(stored))
        return super().convert_from(stored, source, language)

    def describe_limits(self) -> dict[str, Any]:
        return {**super().describe_limits(), "min_length": self.count.minimum, "max_length": self.count.maximum}


FIELD_TYPES: dict[str, type[FieldType]] = {cls.name: cls for cls in (
    TextType, LongTextType, IntegerType, DecimalType, MoneyType, PercentType, DateType, DateTimeType,
    BooleanType, SelectType, MultiSelectType, EmailType, PhoneType, UrlType, UserType, LinkType, RegionType,
    TagsType,
)}


def convert_value(target: FieldType, source: FieldType, stored: Any, language: str | None = None) -> Any:
    """`target.convert_from` that reports a value stored under other rules as not convertible."""
    try:
        return target.convert_from(stored, source, language)
    except FieldValueError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError):
        raise FieldValueError(_("This value cannot be converted to the new type.")) from None


def field_type(spec: Mapping[str, Any], context: FieldContext | None = None) -> FieldType:
    """The compiled type of one field spec; FieldSpecError when the spec cannot work."""
    cls = FIELD_TYPES.get(spec.get("type", ""))
    if cls is None:
        raise FieldSpecError(f"custom field {spec.get('key')}: unknown type {spec.get('type')!r}")
    return cls(spec, context or FieldContext())


def __getattr__(name: str) -> Any:
    """`compile_fields` and `CompiledFields` live in compiled.py; importable from here as well."""
    if name in ("compile_fields", "CompiledFields", "CompiledField", "TypeChangeCheck"):
        from core.customization import compiled

        return getattr(compiled, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
