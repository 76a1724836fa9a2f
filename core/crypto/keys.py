"""The field-encryption key ring and the blind-index key, parsed from settings.

`GUANXI_FIELD_KEYS` is `keyid:base64url-32-byte-key` entries separated by commas, newest first. New
values are encrypted under the first key; a value under any listed key stays readable, so a new key is
added in front, `guanxi rotate-field-keys` moves every value to it, and only then the old key is removed.

`GUANXI_FIELD_HMAC_KEY` (base64url, 32 bytes) keys the blind indexes. It is separate from the ring
because it must never change: blind indexes are HMACs of plaintexts, and a new HMAC key would make
every stored index unfindable. Rotating encryption keys leaves it alone.

Parsed keys are cached by the setting's text, so a changed setting (tests, `override_settings`) takes
effect at once without a cache to clear. Error messages never contain key material.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32  # AES-256
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class FieldKeyError(ImproperlyConfigured):
    """The key settings are missing or malformed: nothing can be encrypted or decrypted."""


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    secret: bytes = field(repr=False)

    @cached_property
    def aead(self) -> AESGCM:
        return AESGCM(self.secret)


@dataclass(frozen=True)
class KeyRing:
    """Every key that may have encrypted a stored value; `newest` encrypts new values."""

    keys: tuple[FieldKey, ...]

    @property
    def newest(self) -> FieldKey:
        return self.keys[0]

    @property
    def key_ids(self) -> list[str]:
        return [key.key_id for key in self.keys]

    def get(self, key_id: str) -> FieldKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)


def generate_key() -> str:
    """A new random key in the format the settings expect (base64url of 32 bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def decode_key(text: str, *, setting: str) -> bytes:
    """Base64url (padding optional) of exactly 32 bytes; the error names the setting, not the key."""
    text = text.strip()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise FieldKeyError(f"{setting}: a key is not valid base64url.") from None
    if len(raw) != KEY_BYTES:
        raise FieldKeyError(f"{setting}: a key must be {KEY_BYTES} bytes (base64url), not {len(raw)}.")
    return raw


def parse_key_ring(raw: str) -> KeyRing:
    """Parse `keyid:key,keyid:key` (newest first) into a ring; refuses empty rings and duplicate ids."""
    keys: list[FieldKey] = []
    for position, entry in enumerate((part.strip() for part in raw.split(",") if part.strip()), start=1):
        key_id, separator, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not separator or not KEY_ID.fullmatch(key_id):
            raise FieldKeyError(
                f"GUANXI_FIELD_KEYS: entry {position} is not `keyid:base64url-key` "
                "(key ids are 1-32 letters, digits, '-' or '_').")
        if any(key.key_id == key_id for key in keys):
            raise FieldKeyError(f"GUANXI_FIELD_KEYS: key id {key_id!r} appears twice.")
        keys.append(FieldKey(key_id, decode_key(encoded, setting="GUANXI_FIELD_KEYS")))
    if not keys:
        raise FieldKeyError("GUANXI_FIELD_KEYS is empty: set it to `keyid:base64url-32-byte-key`.")
    return KeyRing(tuple(keys))


@lru_cache(maxsize=8)
def _ring_from(raw: str) -> KeyRing:
    return parse_key_ring(raw)


@lru_cache(maxsize=8)
def _hmac_key_from(raw: str) -> bytes:
    if not raw.strip():
        raise FieldKeyError("GUANXI_FIELD_HMAC_KEY is empty: set it to a base64url 32-byte key.")
    return decode_key(raw, setting="GUANXI_FIELD_HMAC_KEY")


def key_ring() -> KeyRing:
    """The ring of the current settings."""
    return _ring_from(settings.GUANXI_FIELD_KEYS)


def hmac_key() -> bytes:
    """The blind-index key of the current settings (never rotated; see the module docstring)."""
    return _hmac_key_from(settings.GUANXI_FIELD_HMAC_KEY)
