"""Where encrypted values live: every concrete column of an EncryptedField in the installed apps.

Key rotation walks this list in each schema, so a new encrypted field is rotated without being
registered anywhere: declaring it on a model is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from .fields import EncryptedField


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[models.Model]
    field: EncryptedField

    @property
    def label(self) -> str:
        """`app_label.model_name.field_name`, as progress reports show it."""
        return f"{self.model._meta.label_lower}.{self.field.name}"

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column(self) -> str:
        return self.field.column


def encrypted_columns() -> list[EncryptedColumn]:
    """Every encrypted column of a managed, concrete model, sorted by label.

    Proxy models share their table with the concrete model, and inherited fields belong to the
    parent's table, so each column is listed exactly once.
    """
    found = [
        EncryptedColumn(model, field)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for field in model._meta.local_concrete_fields
        if isinstance(field, EncryptedField)
    ]
    return sorted(found, key=lambda column: column.label)


@dataclass(frozen=True)
class TokenHolder:
    """Encrypted tokens kept outside an EncryptedField column (inside JSON, say), rotated the same way.

    The app that keeps them registers one (`register_token_holder`), so key rotation reaches them
    without this app knowing where they live. Both callables work in the current schema.
    """

    label: str  # as progress reports show it, e.g. `records.account.custom`
    table: str
    count_stale: Callable[[str], int]  # (newest key id) -> values under an older key
    rotate: Callable[[str, int], tuple[int, int]]  # (newest key id, batch size) -> (re-encrypted, pending)


_providers: list[Callable[[], list[TokenHolder]]] = []


def register_token_holders(provider: Callable[[], list[TokenHolder]]) -> None:
    """Register a function listing token holders; asked at rotation time, when every app is ready."""
    if provider not in _providers:
        _providers.append(provider)


def token_holders() -> list[TokenHolder]:
    return sorted((holder for provider in _providers for holder in provider()), key=lambda holder: holder.label)
