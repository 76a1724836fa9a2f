"""The entity registry: every kind of CRM record, described once by the app that owns it.

Each capability app registers its record types from its `AppConfig.ready` (a module `entities.py`
in the app): the model, the built-in field specs, the scoped selectors (what an actor may read and
change), who may create, labels, and which fields are sensitive. Custom fields, the write path,
history, filters, link fields, merges, the 360 view, approvals and plugins look entities up here
instead of keeping maps of their own, so a new record type is known everywhere by registering once.

Apps that hang records under another app's records extend it here too, without the owner importing
them: `on_merge` adds a mover that follows a merged record to its survivor, `extend_scope` lets a role
see rows of another entity through its own (support sees the accounts its tickets refer to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise

from .fields import F

if TYPE_CHECKING:
    from core.access.policy import Access

Selector = Callable[..., QuerySet]  # called as selector(actor=user)
ScopeExtension = Callable[["Access", bool], "Q | None"]  # (access, write) -> extra rows, or None
MergeMover = Callable[..., Mapping[str, int]]  # mover(actor=, from_record=, to_record=) -> moved counts


@dataclass(frozen=True, eq=False)
class EntityType:
    """One kind of record. `read` and `write` are the scoped querysets every lookup goes through."""

    key: str
    model: type[Model]
    label: Promise | str
    label_plural: Promise | str
    fields: Mapping[str, F]
    read: Selector
    write: Selector
    may_create: Callable[[Access], bool]
    title_field: str = "name"
    customizable: bool = True
    # built-in fields whose values are masked on the way out and in history ({field: mask kind})
    sensitive: Mapping[str, str] = field(default_factory=dict)
    # columns the write path maintains itself (never shown in history, never written by callers)
    internal: frozenset[str] = frozenset({"search_tokens", "name_key", "updated_at", "created_at",
                                          "created_by", "version", "merged_into"})
    url_name: str = ""  # the web page of one record: reverse(url_name, args=[pk])
    position: int = 100  # where the entity appears in menus (settings, filters)
    # what one record's page and API may open, when more than `read` (accounts: also the public pool)
    openable: Selector | None = None
    # where a merged record lives on: successor(actor=, pk=) -> record the actor may see, or None
    successor: Callable[..., Model | None] | None = None
    # deals: move every record of one stage to another in bulk (a configuration change removing a stage)
    stage_mover: Callable[..., int] | None = None
    # the built-in fields a role may read (None: all); what a role cannot read it cannot write, filter,
    # sort or search by either, and its history never shows it
    field_access: Callable[[Access], frozenset[str] | None] | None = None

    def title(self, record: Model) -> str:
        return str(getattr(record, self.title_field, "") or f"#{record.pk}")

    def readable_fields(self, access: Access) -> frozenset[str] | None:
        """The built-in fields `access` may read, or None when it may read every one."""
        return self.field_access(access) if self.field_access else None

    def open_queryset(self, *, actor: Any) -> QuerySet:
        return (self.openable or self.read)(actor=actor)


class Registry:
    """The entity types of this process, filled once at start-up by the apps' `ready()`."""

    def __init__(self) -> None:
        self._types: dict[str, EntityType] = {}
        self._movers: dict[str, list[MergeMover]] = {}
        self._scopes: dict[str, list[ScopeExtension]] = {}

    def register(self, entity: EntityType) -> EntityType:
        existing = self._types.get(entity.key)
        if existing is not None and existing.model is not entity.model:
            raise ValueError(f"entity {entity.key!r} is already registered for {existing.model.__name__}")
        self._types[entity.key] = entity
        return entity

    def get(self, key: str) -> EntityType:
        try:
            return self._types[key]
        except KeyError:
            raise LookupError(f"no entity {key!r} is registered") from None

    def find(self, key: str) -> EntityType | None:
        return self._types.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._types

    def __iter__(self) -> Iterator[EntityType]:
        return iter(sorted(self._types.values(), key=lambda e: (e.position, e.key)))

    def keys(self) -> list[str]:
        return [entity.key for entity in self]

    def customizable(self) -> list[EntityType]:
        """The entities with custom fields (a `custom` column validated by the workspace configuration)."""
        return [entity for entity in self if entity.customizable]

    def model(self, key: str) -> type[Model]:
        return self.get(key).model

    def for_model(self, model: type[Model]) -> EntityType | None:
        return next((entity for entity in self._types.values() if entity.model is model), None)

    # --- extensions by other apps ----------------------------------------------------------------

    def on_merge(self, key: str, mover: MergeMover) -> None:
        """Run `mover(actor=, from_record=, to_record=)` inside every merge of `key` records."""
        self._movers.setdefault(key, []).append(mover)

    def merge_movers(self, key: str) -> list[MergeMover]:
        return list(self._movers.get(key, ()))

    def extend_scope(self, key: str, extension: ScopeExtension) -> None:
        """Rows of `key` that a role sees because of another app's records (OR-ed into the scope)."""
        self._scopes.setdefault(key, []).append(extension)

    def scope_extensions(self, key: str, access: Access, *, write: bool) -> Q | None:
        extra = [q for q in (extension(access, write) for extension in self._scopes.get(key, ())) if q is not None]
        if not extra:
            return None
        combined = extra[0]
        for q in extra[1:]:
            combined |= q
        return combined


registry = Registry()


def entity(key: str) -> EntityType:
    """The registered entity `key` (LookupError when none is)."""
    return registry.get(key)


def read_queryset(key: str, actor: Any) -> QuerySet:
    """What `actor` may read of `key` records."""
    return registry.get(key).read(actor=actor)


def write_queryset(key: str, actor: Any) -> QuerySet:
    """What `actor` may change of `key` records."""
    return registry.get(key).write(actor=actor)
