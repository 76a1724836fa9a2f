"""One masking function per kind of sensitive value, for every place a value leaves the write path.

Serializers, field history, the audit log, timelines, exports and notifications show a sensitive value
only through these; the unmasked value is returned only by an audited reveal. A mask never shows more
than half of a value: short values are masked whole (a 4-character secret shows as `****`, not in full).
"""

from __future__ import annotations

from typing import Any

from .normalize import phone_digits

MASK = "****"


def mask_text(text: str) -> str:
    """****5678: the last four characters, and only when they are at most half of the value."""
    return MASK + text[-4:] if len(text) >= 8 else MASK


PHONE_TAIL = 4  # the last digits a masked number shows (what search may match of it)


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise, not enough to call (short numbers keep two digits)."""
    digits = phone_digits(phone)
    if len(digits) <= 7:
        return digits[:2] + "*" * max(len(digits) - 2, 0)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-PHONE_TAIL:]


def shown_phone_tail(phone: str) -> str | None:
    """The last digits that `mask_phone` shows of `phone` (5678 of 138****5678); None when it shows none."""
    digits = phone_digits(phone)
    return digits[-PHONE_TAIL:] if len(digits) > 7 else None


def mask_email(email: str) -> str:
    """w****@example.com: the domain and the first letter."""
    local, _at, domain = str(email).rpartition("@")
    return f"{local[:1]}{MASK}@{domain}" if local else MASK


def mask_phones(phones: list[str]) -> list[str]:
    return [mask_phone(phone) for phone in phones]


MASKS = {
    "phones": lambda value: mask_phones(list(value)),
    "phone": lambda value: mask_phone(str(value)),
    "secret": lambda value: mask_text(str(value)),
    "email": lambda value: mask_email(str(value)),
}


def mask(kind: str, value: Any) -> Any:
    """The mask of `value` for a sensitive built-in field of `kind` (phones, phone, secret, email)."""
    if value in (None, "", []):
        return value
    return MASKS[kind](value)


def masked_changes(sensitive: dict[str, str] | Any, changes: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """Field changes with the sensitive built-in fields' old and new values masked ({field: kind})."""
    out = {}
    for field, (old, new) in changes.items():
        kind = sensitive.get(field.removesuffix("_id"))
        out[field] = (mask(kind, old), mask(kind, new)) if kind else (old, new)
    return out
