"""AES-256-GCM tokens for values at rest, and keyed HMAC blind indexes to find them again.

A token is `gx1:<key id>:<base64url(nonce | ciphertext | tag)>`: it names its key, so values under
older keys stay readable during a rotation and `needs_rotation` can tell which ones still must move.
The caller's `context` (e.g. "records.contact.phones") is authenticated as associated data, so a
token copied into another column, or another table, fails to decrypt instead of leaking there.

Encrypted values cannot be searched. A blind index — `blind_index(value, purpose=...)`, stored in a
plain indexed column next to the encrypted one — finds exact matches without storing the plaintext;
`phone_search_tokens` extends that to partial phone numbers. Normalise values (case, spaces, the
country code of phone numbers) the same way when writing and when searching.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag

from .keys import hmac_key, key_ring

PREFIX = "gx1"
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
TAG_BYTES = 16
BLIND_INDEX_LENGTH = 32  # hex characters: 128 bits of the HMAC-SHA256


class DecryptionError(ValueError):
    """A stored value could not be decrypted: not a token, tampered, or moved from another context."""


class UnknownKeyError(DecryptionError):
    """The token's key is no longer (or not yet) in GUANXI_FIELD_KEYS."""


def _aad(context: str) -> bytes:
    return f"{PREFIX}\0{context}".encode()


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def is_token(value: object) -> bool:
    """Whether `value` looks like a token of this module (cheap; does not decrypt)."""
    return isinstance(value, str) and value.startswith(f"{PREFIX}:")


def token_key_id(token: str) -> str:
    """The id of the key that encrypted `token`."""
    return _split(token)[1]


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        raise DecryptionError(f"Not an encrypted value (expected `{PREFIX}:<key id>:<data>`).")
    return parts[0], parts[1], parts[2]


def encrypt(plaintext: str, context: str = "") -> str:
    """Encrypt under the newest key with a fresh random nonce; `context` must be given again to decrypt."""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() takes a str, not {type(plaintext).__name__}.")
    key = key_ring().newest
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), _aad(context))
    return f"{PREFIX}:{key.key_id}:{_b64encode(nonce + sealed)}"


def decrypt(token: str, context: str = "") -> str:
    """Decrypt with the key the token names; raises DecryptionError rather than return a wrong value."""
    _, key_id, payload = _split(token)
    ring = key_ring()
    key = ring.get(key_id)
    if key is None:
        raise UnknownKeyError(
            f"This value was encrypted with key {key_id!r}, which is not in GUANXI_FIELD_KEYS "
            f"(it holds {', '.join(map(repr, ring.key_ids))}). Put that key back in the ring; remove a key "
            "only after `guanxi rotate-field-keys` has finished.")
    try:
        data = _b64decode(payload)
    except (binascii.Error, ValueError):
        raise DecryptionError("The encrypted value is damaged (not base64url).") from None
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("The encrypted value is damaged (too short).")
    try:
        plain = key.aead.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], _aad(context))
    except InvalidTag:
        raise DecryptionError(
            f"The encrypted value fails authentication under key {key_id!r} for context {context!r}: "
            "it was altered, or it belongs to another column.") from None
    return plain.decode()


def needs_rotation(token: str) -> bool:
    """True when `token` is not under the newest key, i.e. `guanxi rotate-field-keys` still must move it."""
    return token_key_id(token) != key_ring().newest.key_id


def reencrypt(token: str, context: str = "") -> str:
    """The same plaintext under the newest key (a fresh nonce even when the key did not change)."""
    return encrypt(decrypt(token, context), context)


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `purpose + NUL + value`, 32 hex characters: equal values give equal indexes.

    `purpose` (e.g. "records.contact.email") separates indexes of different columns, so equal values
    in two columns cannot be linked through their indexes.
    """
    message = f"{purpose}\0{value}".encode()
    return hmac.new(hmac_key(), message, hashlib.sha256).hexdigest()[:BLIND_INDEX_LENGTH]


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isascii() and char.isdigit())


def phone_search_tokens(digits: str, *, purpose: str = "phone", min_len: int = 4) -> list[str]:
    """Blind indexes of every digit run of `min_len` or more in the number, in first-seen order.

    Store them (e.g. in an array or JSON column with a GIN index) and search with
    `phone_query_token(partial)`: "5678" then finds "13812345678" without the number being stored in
    plaintext. Non-digits ("+86 138-1234-5678") are ignored. An 11-digit number gives 36 tokens.
    """
    number = _digits(digits)
    seen: dict[str, None] = {}
    for length in range(min_len, len(number) + 1):
        for start in range(len(number) - length + 1):
            seen.setdefault(blind_index(number[start:start + length], purpose=purpose))
    return list(seen)


def phone_query_token(partial: str, *, purpose: str = "phone", min_len: int = 4) -> str | None:
    """The token to look for when a user types part of a number; None when it is too short to search."""
    number = _digits(partial)
    if len(number) < min_len:
        return None
    return blind_index(number, purpose=purpose)
