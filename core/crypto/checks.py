"""System check: malformed field keys stop `guanxi migrate` (the deployment's migration job) early,
instead of failing at the first request that reads an encrypted field."""

from __future__ import annotations

from typing import Any

from django.core import checks

from .keys import FieldKeyError, hmac_key, key_ring


@checks.register(checks.Tags.security)
def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors = []
    for load in (key_ring, hmac_key):
        try:
            load()
        except FieldKeyError as error:
            errors.append(checks.Error(str(error), hint="See docs/ops.md, “Field encryption and key rotation”.",
                                       id="crypto.E002"))
    return errors
