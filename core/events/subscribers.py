"""Who receives domain events: subscribers that other apps register, per workspace.

A subscriber has a unique name (its cursor in the outbox), a `deliver(event)` that raises to fail, and
`wants(type)` to skip types it does not handle (skipped events still move its cursor). Apps register a
*provider* — a function returning the subscribers active in the current workspace — so that, for
instance, each plugin a workspace enabled is a subscriber there and nowhere else (core.customization).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .models import DomainEvent


@dataclass(frozen=True)
class Subscriber:
    name: str
    deliver: Callable[[DomainEvent], Any]
    wants: Callable[[str], bool] = field(default=lambda event_type: True)


Provider = Callable[[], Iterable[Subscriber]]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_provider(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def active_subscribers() -> list[Subscriber]:
    """The subscribers of the current workspace, by name (names must be unique)."""
    found: dict[str, Subscriber] = {}
    for provider in _providers:
        for subscriber in provider():
            if subscriber.name in found:
                raise ValueError(f"two subscribers are named {subscriber.name!r}")
            found[subscriber.name] = subscriber
    return [found[name] for name in sorted(found)]
