"""Where encrypted values live: every concrete column of an EncryptedField in the installed apps.

Key rotation walks this list in each schema, so a new encrypted field is rotated without being
registered anywhere: declaring it on a model is enough.
"""

from __future__ import annotations

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
