"""The panels of the customer 360 view, contributed by the apps that own their rows (and by plugins).

A panel loads its rows for one account (`load`, a fixed number of queries whatever the account
holds), adds its part to the API answer (`api`) and to the page (`page`: a template and its context).
Apps register their panels from `AppConfig.ready` (`register(Panel(...))`); this app composes them
and never imports the apps. Loads run in `position` order, so a panel may use what an earlier one
loaded (the activity form offers the account's contacts and deals); pages render after every load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from core.access.policy import Access


@dataclass
class OverviewContext:
    """One 360 view being built: who reads which account, and what the panels loaded so far.

    `whole` is True when the actor reads every row under the account (core.overview.selectors
    decides); panels then read rows by account alone instead of repeating each scope per row.
    """

    actor: Any
    access: Access
    account: Model
    whole: bool
    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


Loader = Callable[[OverviewContext], Mapping[str, Any]]
ApiPart = Callable[[OverviewContext], Mapping[str, Any]]
PagePart = Callable[[HttpRequest, OverviewContext], tuple[str, Mapping[str, Any]]]
SchemaPart = Callable[[], Mapping[str, Any]]  # {answer key: a DRF serializer field}, for the OpenAPI document


@dataclass(frozen=True)
class Panel:
    key: str
    position: int
    load: Loader
    api: ApiPart | None = None
    page: PagePart | None = None
    schema: SchemaPart | None = None


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    """Add (or replace, by key) a panel of the 360 view."""
    _panels[panel.key] = panel
    return panel


def unregister(key: str) -> None:
    _panels.pop(key, None)


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.position, panel.key))
