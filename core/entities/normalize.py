"""Data quality: phones normalized with `phonenumbers`, emails lower-cased, company names keyed for matching."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

COMPANY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司",
    "co.,ltd.", "co.,ltd", "co.ltd.", "co.ltd", "co.,limited", "company limited", "limited", "ltd.", "ltd",
    "inc.", "inc", "corporation", "corp.", "corp", "llc", "gmbh", "co.",
)


def fold(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces (NFKC does the width folding)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def company_key(name: str) -> str:
    """A matching key: 杭州示例科技有限公司 and 杭州示例科技 share one; so do "Acme Co., Ltd." and "ACME"."""
    key = fold(name).replace(" ", "")
    changed = True
    while changed:
        changed = False
        for suffix in COMPANY_SUFFIXES:
            cleaned = suffix.replace(" ", "")
            if key.endswith(cleaned) and len(key) > len(cleaned):
                key = key[: -len(cleaned)].rstrip(",.")
                changed = True
    return re.sub(r"[()（）·,.\-]", "", key)


def normalize_phone(raw: str, *, field: str = "phones") -> str:
    """E.164 (+8613812345678) for a valid number; raises ValidationError naming the field otherwise."""
    region = getattr(settings, "GUANXI_PHONE_REGION", "CN")
    text = fold(raw)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({field: ValidationError(
            _("“%(value)s” is not a valid phone number. Use a mobile like 138 1234 5678 or +86 21 1234 5678.")
            % {"value": raw}, code="invalid_phone")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phones(values: list[str] | None, *, field: str = "phones") -> list[str]:
    out: list[str] = []
    for value in values or []:
        if value and str(value).strip():
            phone = normalize_phone(str(value), field=field)
            if phone not in out:
                out.append(phone)
    return out


def normalize_emails(values: list[str] | None, *, field: str = "emails") -> list[str]:
    out: list[str] = []
    for value in values or []:
        email = fold(str(value)).replace(" ", "")
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({field: ValidationError(
                _("“%(value)s” is not a valid email address.") % {"value": value}, code="invalid_email")}) from None
        if email not in out:
            out.append(email)
    return out


E164 = re.compile(r"\+(\d{4,16})")


def phone_digits(phone: str) -> str:
    """National digits of an E.164 number (+8613812345678 → 13812345678), what people type to search.

    Stored numbers are E.164, so the country code is read off the front (country codes are prefix-free)
    instead of parsing the whole number: list pages mask every phone of every row through here.
    """
    match = E164.fullmatch(phone or "")
    if match:
        digits = match.group(1)
        for length in (1, 2, 3):
            if int(digits[:length]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                return digits[length:].lstrip("0") or "0"  # as phonenumbers' integer national_number
    try:
        number = phonenumbers.parse(phone, None)
        return str(number.national_number)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", phone)
