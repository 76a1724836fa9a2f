"""Key rotation of sensitive custom values: `{"$enc": token}` entries inside records' `custom` JSON.

`guanxi rotate-field-keys` (core.crypto.services) rotates these as token holders registered from
`token_holders` (registered in CustomizationConfig.ready), after the encrypted columns: rows holding a token under another key than the newest are re-encrypted in
batches, each its own transaction, skipping rows users hold locked — resumable like the columns.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.functions import Cast

from core.crypto.cipher import PREFIX, reencrypt, token_key_id
from core.crypto.registry import TokenHolder
from core.entities.registry import registry

from .records import ENCRYPTED

CONTEXT = "custom"


def customizable_models() -> list[type[models.Model]]:
    return [entity.model for entity in registry.customizable()]


def stale_custom_rows(model: type[models.Model], *, newest_key_id: str) -> QuerySet:
    """Rows whose custom values hold a token under another key than the newest (a regex on the JSON text)."""
    pattern = f'"\\{ENCRYPTED}": "{PREFIX}:(?!{newest_key_id}:)'
    return (model._base_manager.annotate(gx_custom=Cast("custom", models.TextField()))
            .filter(gx_custom__regex=pattern))


def _rotated(custom: dict[str, Any], newest: str) -> dict[str, Any]:
    out = {}
    for key, value in custom.items():
        if isinstance(value, dict) and set(value) == {ENCRYPTED} and token_key_id(value[ENCRYPTED]) != newest:
            value = {ENCRYPTED: reencrypt(value[ENCRYPTED], CONTEXT)}
        out[key] = value
    return out


def rotate_custom_values(model: type[models.Model], *, newest_key_id: str, batch_size: int) -> tuple[int, int]:
    """Re-encrypt the stale custom tokens of one table in the current schema: (rows rewritten, pending)."""
    stale = stale_custom_rows(model, newest_key_id=newest_key_id)
    done = 0
    while True:
        with transaction.atomic():
            batch = list(stale.order_by("pk").select_for_update(skip_locked=True, of=("self",))
                         .values_list("pk", "custom")[:batch_size])
            if not batch:
                break
            model._base_manager.bulk_update(
                [model(pk=pk, custom=_rotated(custom, newest_key_id)) for pk, custom in batch], ["custom"])
        done += len(batch)
    return done, stale.count()


def token_holders() -> list[TokenHolder]:
    """The tokens inside every customizable table's `custom` column, for key rotation."""
    return [TokenHolder(
        label=f"{model._meta.label_lower}.custom", table=model._meta.db_table,
        count_stale=lambda newest, model=model: stale_custom_rows(model, newest_key_id=newest).count(),
        rotate=lambda newest, batch, model=model: rotate_custom_values(model, newest_key_id=newest,
                                                                        batch_size=batch))
        for model in customizable_models()]
