"""The default deal pipeline (configurable pipelines come with the workspace configuration)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Stage:
    key: str
    label: Promise
    probability: int
    kind: str  # open, won, lost


@dataclass(frozen=True)
class Pipeline:
    key: str
    label: Promise
    stages: tuple[Stage, ...]

    def stage(self, key: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.key == key), None)

    @property
    def first_stage(self) -> Stage:
        return self.stages[0]

    def next_stage(self, key: str) -> Stage | None:
        keys = [stage.key for stage in self.stages]
        index = keys.index(key) if key in keys else -1
        return self.stages[index + 1] if 0 <= index < len(self.stages) - 1 else None


NEW_BUSINESS = Pipeline(
    "new_business",
    _("New business"),
    (
        Stage("initial_contact", _("Initial contact"), 10, "open"),
        Stage("needs_analysis", _("Needs analysis"), 25, "open"),
        Stage("proposal", _("Proposal"), 50, "open"),
        Stage("negotiation", _("Negotiation"), 75, "open"),
        Stage("won", _("Won"), 100, "won"),
        Stage("lost", _("Lost"), 0, "lost"),
    ),
)

PIPELINES = {NEW_BUSINESS.key: NEW_BUSINESS}


def get_pipeline(key: str) -> Pipeline | None:
    return PIPELINES.get(key)
