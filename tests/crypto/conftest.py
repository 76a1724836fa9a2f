"""Key rings for the crypto tests: fixed keys per session, set through pytest-django's `settings`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.crypto.keys import generate_key

KEYS = {key_id: generate_key() for key_id in ("old", "new", "other")}
HMAC_KEY = generate_key()


@pytest.fixture
def use_ring(settings) -> Callable[..., None]:
    """`use_ring("new", "old")` makes those keys the ring, newest first (parsed keys are cached by value)."""
    settings.GUANXI_FIELD_HMAC_KEY = HMAC_KEY

    def use(*key_ids: str) -> None:
        settings.GUANXI_FIELD_KEYS = ",".join(f"{key_id}:{KEYS[key_id]}" for key_id in key_ids)

    use("new")
    return use
