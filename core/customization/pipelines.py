"""Deal pipelines, as the workspace configuration defines them (see core.customization.current).

`Pipeline` and `Stage` are built once per configuration version from its `pipelines` section. Labels
are localized text ({"zh-hans": …, "en": …}) shown in the active language. NEW_BUSINESS is the default
pipeline of a workspace that has not changed its configuration (the blank preset carries the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation


@dataclass(frozen=True)
class Text:
    """Localized text; str() picks the active language (falling back to the other one)."""

    values: Mapping[str, str]

    def __str__(self) -> str:
        language = (translation.get_language() or "zh-hans").lower()
        wanted = "zh-hans" if language.startswith("zh") else "en"
        return self.values.get(wanted) or next(iter(self.values.values()), "")

    def __html__(self) -> str:
        from django.utils.html import escape

        return escape(str(self))


@dataclass(frozen=True)
class Stage:
    key: str
    label: Text
    probability: int
    kind: str  # open, won, lost
    color: str = ""
    required_fields: tuple[str, ...] = ()
    entry_condition: Mapping[str, Any] | None = None
    stale_after_days: int | None = None


@dataclass(frozen=True)
class Pipeline:
    key: str
    label: Text
    stages: tuple[Stage, ...]
    default: bool = False
    archived: bool = False
    _by_key: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({stage.key: stage for stage in self.stages})

    def stage(self, key: str) -> Stage | None:
        return self._by_key.get(key)

    @property
    def first_stage(self) -> Stage:
        return self.stages[0]

    def next_stage(self, key: str) -> Stage | None:
        keys = [stage.key for stage in self.stages]
        index = keys.index(key) if key in keys else -1
        return self.stages[index + 1] if 0 <= index < len(self.stages) - 1 else None


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en}


NEW_BUSINESS_SPEC: dict[str, Any] = {
    "key": "new_business",
    "label": _text("新业务", "New business"),
    "default": True,
    "stages": [
        {"key": "initial_contact", "label": _text("初步接洽", "Initial contact"), "probability": 10, "kind": "open"},
        {"key": "needs_analysis", "label": _text("需求分析", "Needs analysis"), "probability": 25, "kind": "open"},
        {"key": "proposal", "label": _text("方案报价", "Proposal"), "probability": 50, "kind": "open"},
        {"key": "negotiation", "label": _text("商务谈判", "Negotiation"), "probability": 75, "kind": "open"},
        {"key": "won", "label": _text("赢单", "Won"), "probability": 100, "kind": "won"},
        {"key": "lost", "label": _text("输单", "Lost"), "probability": 0, "kind": "lost"},
    ],
}


def build_pipeline(spec: Mapping[str, Any]) -> Pipeline:
    """A Pipeline from its configuration spec (already validated)."""
    stages = tuple(Stage(
        key=s["key"], label=Text(dict(s["label"])), probability=int(s.get("probability", 0)),
        kind=s.get("kind", "open"), color=s.get("color", ""),
        required_fields=tuple(s.get("required_fields", ())), entry_condition=s.get("entry_condition"),
        stale_after_days=s.get("stale_after_days"),
    ) for s in spec["stages"])
    return Pipeline(key=spec["key"], label=Text(dict(spec["label"])), stages=stages,
                    default=bool(spec.get("default")), archived=bool(spec.get("archived")))


NEW_BUSINESS = build_pipeline(NEW_BUSINESS_SPEC)


def pipelines() -> dict[str, Pipeline]:
    """The workspace's pipelines in configuration order (archived ones included: old deals keep theirs)."""
    from core.customization.current import current_config

    return current_config().pipelines


def get_pipeline(key: str) -> Pipeline | None:
    return pipelines().get(key)


def default_pipeline() -> Pipeline:
    from core.customization.current import current_config

    return current_config().default_pipeline


def active_pipelines() -> list[Pipeline]:
    """Pipelines a new deal may be put in (not archived)."""
    return [p for p in pipelines().values() if not p.archived]


def stage_label(pipeline_key: str, stage_key: str) -> str:
    pipeline = get_pipeline(pipeline_key)
    stage = pipeline.stage(stage_key) if pipeline else None
    return str(stage.label) if stage else stage_key


def with_stage_labels(deals: list) -> list:
    for deal in deals:
        deal.stage_label = stage_label(deal.pipeline, deal.stage)
    return deals
