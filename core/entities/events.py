"""Domain events, emitted after the transaction commits; plugins, automations and webhooks consume them."""

from __future__ import annotations

from django.db import transaction

from plugins.manager import notify


def emit(hook: str, **payload) -> None:
    """Call the notification hook once the current transaction has committed (never for a rollback)."""
    transaction.on_commit(lambda: notify(hook, **payload))
