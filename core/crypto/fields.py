"""Model fields whose column holds an AES-256-GCM token while Python code sees the plaintext.

    phones = EncryptedJSONField(default=list)             # ["+86 138 1234 5678"]
    phone_tokens = models.JSONField(default=list)         # cipher.phone_search_tokens(...) per number
    email = EncryptedTextField(blank=True)
    email_index = models.CharField(max_length=32, db_index=True)  # cipher.blind_index(email, purpose=...)

The column is `text`; values are encrypted in `get_prep_value` (create, save, update, bulk_update) and
decrypted in `from_db_value` (instances, `values`, `values_list`). The encryption context (associated
data) is `<app_label>.<model_name>.<field name>`, so a token copied to another column does not decrypt.
Renaming the model or the field changes that context: pass the old one as `encryption_context=` when
renaming, or existing values become unreadable.

Filtering on an encrypted column cannot work (every value has a random nonce), so every lookup except
`isnull` raises `EncryptedLookupError`, pointing to the blind index. Ordering by it is meaningless too.
Writing through an expression (`update(secret=F("other"))`) bypasses encryption: don't.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .cipher import decrypt, encrypt


class EncryptedLookupError(FieldError):
    """A query tried to compare an encrypted column's ciphertext."""


class EncryptedField(models.TextField):
    """Base of the encrypted fields: subclasses say how a Python value becomes plaintext and back."""

    def __init__(self, *args: Any, encryption_context: str | None = None, **kwargs: Any) -> None:
        self._explicit_context = encryption_context
        self.encryption_context = encryption_context
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        if self._explicit_context is None:
            self.encryption_context = f"{cls._meta.label_lower}.{self.name}"

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self._explicit_context is not None:
            kwargs["encryption_context"] = self._explicit_context
        return name, path, args, kwargs

    # --- what subclasses define ----------------------------------------------------------------------
    def to_plaintext(self, value: Any) -> str | None:
        """The plaintext to encrypt, or None to store the value as it is (SQL NULL, "")."""
        raise NotImplementedError

    def from_plaintext(self, plaintext: str) -> Any:
        raise NotImplementedError

    # --- database round trip -------------------------------------------------------------------------
    def _context(self) -> str:
        if self.encryption_context is None:
            raise ImproperlyConfigured(f"{type(self).__name__} is used without a model: it has no encryption context.")
        return self.encryption_context

    def get_prep_value(self, value: Any) -> Any:
        value = models.Field.get_prep_value(self, value)  # resolves lazy translation objects
        plaintext = self.to_plaintext(value)
        return value if plaintext is None else encrypt(plaintext, self._context())

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self.to_python(value)
        return self.from_plaintext(decrypt(value, self._context()))

    # --- no searching the ciphertext -----------------------------------------------------------------
    def _refuse(self, lookup_name: str) -> EncryptedLookupError:
        label = f"{self.model._meta.label_lower}.{self.name}" if hasattr(self, "model") else type(self).__name__
        return EncryptedLookupError(
            f"{label} is encrypted, so it cannot be queried with `{lookup_name}`: only `isnull` works. "
            "To find a value, store core.crypto.cipher.blind_index(value, purpose=...) in an indexed "
            "column next to it and filter on that column (phone_search_tokens for partial numbers).")

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise self._refuse(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise self._refuse(lookup_name)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or self.primary_key or self.db_index:
            errors.append(checks.Error(
                "An encrypted field cannot be unique, a primary key or indexed: equal values have "
                "different ciphertexts.",
                hint="Put the index or the unique constraint on a blind-index column "
                     "(core.crypto.cipher.blind_index) next to it.",
                obj=self, id="crypto.E001"))
        return errors


class EncryptedTextField(EncryptedField):
    """Text encrypted at rest. None and "" are stored as they are (they hold nothing to hide)."""

    description = "Text encrypted at rest (AES-256-GCM)"

    def to_plaintext(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        return str(value)

    def from_plaintext(self, plaintext: str) -> str:
        return plaintext


class EncryptedJSONField(EncryptedField):
    """A JSON document (e.g. a list of phone numbers) encrypted at rest as one token; None is SQL NULL."""

    description = "A JSON document encrypted at rest (AES-256-GCM)"
    empty_strings_allowed = False

    def to_plaintext(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))

    def from_plaintext(self, plaintext: str) -> Any:
        return json.loads(plaintext)

    def to_python(self, value: Any) -> Any:
        return value  # already the decoded document: TextField's str() would turn a list into text

    def value_to_string(self, obj: models.Model) -> Any:
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": forms.JSONField, "encoder": DjangoJSONEncoder, **kwargs})
