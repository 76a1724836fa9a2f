"""Edits of one part of the workspace configuration, shared by the settings pages and the config API.

Each service takes the document of the version the caller edited (`base_version`), applies one edit — a
custom field added or changed, fields reordered, archived or restored; a pipeline added or changed, made
the default, archived or restored — and saves the result through `services.config_save`. That one path
validates the whole document (errors by JSON path), refuses a stale base (409), moves the deals of removed
stages as `moves` says and writes the audit entry. Pages and API call the same functions, so they cannot
disagree on what an edit means.

An edit that would leave the document as it is saves nothing and returns None: history only records
changes, and repeating a request (an archive, an order) is harmless.

The `with_…` helpers build an edited copy without saving; pages use them to preview a field while it is
typed and to offer the stages of the document they are about to save.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from core.access.scoping import require
from core.entities.registry import registry
from core.users.models import User

from . import current
from .fieldtypes import localized
from .models import ConfigVersion
from .schema import ConfigError
from .services import InvalidConfig, _conflict, config_save, may_configure

Document = dict[str, Any]


# --- reading a document -----------------------------------------------------------------------------

def field_specs(document: Mapping[str, Any], entity: str) -> list[dict[str, Any]]:
    """The custom field specs of `entity` in document order, archived ones included."""
    return list((document.get("custom_fields") or {}).get(entity) or [])


def _has_order(spec: Mapping[str, Any]) -> bool:
    return isinstance(spec.get("order"), int) and not isinstance(spec.get("order"), bool)


def ordered_active(specs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Active fields in form order, as compiled.CompiledFields orders them (by `order`, then listed)."""
    active = [(position, spec) for position, spec in enumerate(specs) if not spec.get("archived")]
    active.sort(key=lambda item: (not _has_order(item[1]), item[1]["order"] if _has_order(item[1]) else 0,
                                  item[0]))
    return [spec for _position, spec in active]


def _index_of(items: Sequence[Mapping[str, Any]], key: str | None) -> int | None:
    if not key:
        return None
    return next((index for index, item in enumerate(items) if item.get("key") == key), None)


def _entity(entity: str) -> str:
    if entity not in current.entities():
        raise Http404
    return entity


def _entity_label(entity: str) -> str:
    return str(registry.get(entity).label_plural)


# --- building edited copies (nothing saved) -----------------------------------------------------------

def fields_with(specs: Sequence[Mapping[str, Any]], spec: Mapping[str, Any], original_key: str | None = None
                ) -> tuple[list[dict[str, Any]], int]:
    """A copy of `specs` with `spec` in place of the field `original_key`, or after the others; its index.

    A new field goes last in the form: when the others carry an `order`, it gets the next one (fields
    with an order come before those without)."""
    result = copy.deepcopy(list(specs))
    spec = copy.deepcopy(dict(spec))
    index = _index_of(result, original_key)
    if index is not None:
        result[index] = spec
        return result, index
    orders = [s["order"] for s in result if _has_order(s) and not s.get("archived")]
    if orders and "order" not in spec:
        spec["order"] = max(orders) + 1
    result.append(spec)
    return result, len(result) - 1


def with_custom_field(document: Mapping[str, Any], entity: str, spec: Mapping[str, Any],
                      original_key: str | None = None) -> tuple[Document, int]:
    """A copy of `document` with `spec` saved as a field of `entity` (see fields_with); its index."""
    specs, index = fields_with(field_specs(document, entity), spec, original_key)
    edited = copy.deepcopy(dict(document))
    edited["custom_fields"] = {**(edited.get("custom_fields") or {}), entity: specs}
    return edited, index


def pipelines_with(pipelines: Sequence[Mapping[str, Any]], spec: Mapping[str, Any],
                   original_key: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """A copy of `pipelines` with `spec` in place of the pipeline `original_key`, or added last; its index.

    A pipeline marked default takes that mark from every other one (the document has one default)."""
    result = copy.deepcopy(list(pipelines))
    spec = copy.deepcopy(dict(spec))
    index = _index_of(result, original_key)
    if index is None:
        result.append(spec)
        index = len(result) - 1
    else:
        result[index] = spec
    if spec.get("default"):
        for position, other in enumerate(result):
            if position != index:
                other.pop("default", None)
    return result, index


def with_pipeline(document: Mapping[str, Any], spec: Mapping[str, Any], original_key: str | None = None
                  ) -> tuple[Document, int]:
    """A copy of `document` with `spec` saved as a pipeline (see pipelines_with); its index."""
    pipelines, index = pipelines_with(document.get("pipelines") or [], spec, original_key)
    return {**copy.deepcopy(dict(document)), "pipelines": pipelines}, index


# --- saving one edit ----------------------------------------------------------------------------------

def _edit(*, actor: User, base_version: int, change: Callable[[Document], str], note: str,
          moves: Mapping[str, str] | None = None) -> ConfigVersion | None:
    """Apply `change` (which returns the default note) to the document of `base_version` and save it.

    The base must be the version in force: an edit applied to another document would silently undo
    whatever was saved in between."""
    require(may_configure(actor))
    config = current.current_config()
    if base_version != config.number:
        raise _conflict(base_version, config.number)
    document = copy.deepcopy(dict(config.document))
    default_note = change(document)
    if document == config.document:
        return None
    return config_save(actor=actor, document=document, base_version=base_version, note=note or default_note,
                       moves=moves)


def config_replace(*, actor: User, document: Any, base_version: int, note: str = "",
                   moves: Mapping[str, str] | None = None) -> ConfigVersion:
    """Save a whole document the admin wrote (the JSON page, PUT /api/v1/config): no edit of ours."""
    return config_save(actor=actor, document=document, base_version=base_version, note=note, moves=moves)


def _field_at(document: Mapping[str, Any], entity: str, key: str) -> dict[str, Any]:
    """The spec dict of field `key` inside `document` itself (to edit in place); Http404 when there is none."""
    specs = (document.get("custom_fields") or {}).get(entity) or []
    index = _index_of(specs, key)
    if index is None:
        raise Http404
    return specs[index]


def custom_field_save(*, actor: User, entity: str, spec: Mapping[str, Any], original_key: str | None = None,
                      base_version: int, note: str = "") -> ConfigVersion | None:
    """Add a field to `entity` (no `original_key`) or change the field `original_key`, whose key stays.

    A key already taken by another field is refused by the document's own checks, at
    `$.custom_fields.<entity>`; the field's own errors come at `$.custom_fields.<entity>[<index>]…`."""
    entity = _entity(entity)

    def change(document: Document) -> str:
        specs = field_specs(document, entity)
        existing = _index_of(specs, original_key)
        if original_key and existing is None:
            raise Http404
        if existing is not None and spec.get("key") != original_key:
            raise InvalidConfig([ConfigError(f"$.custom_fields.{entity}[{existing}].key", _(
                "The key of a saved field cannot be changed; archive it and add a new field instead."))])
        specs, _index = fields_with(specs, spec, original_key)
        document["custom_fields"] = {**(document.get("custom_fields") or {}), entity: specs}
        label = localized(spec.get("label")) or spec.get("key")
        template = (_("Changed the field “%(label)s” of %(entity)s") if existing is not None
                    else _("Added the field “%(label)s” to %(entity)s"))
        return template % {"label": label, "entity": _entity_label(entity)}

    return _edit(actor=actor, base_version=base_version, change=change, note=note)


def custom_fields_reorder(*, actor: User, entity: str, keys: Sequence[str], base_version: int,
                          note: str = "") -> ConfigVersion | None:
    """Give the active fields of `entity` the form order `keys` (`order` = position from 1).

    Active fields not listed keep their order after the listed ones; a key that is not an active field
    of `entity` is refused at `$.custom_fields.<entity>`."""
    entity = _entity(entity)

    def change(document: Document) -> str:
        specs = field_specs(document, entity)
        active = [spec["key"] for spec in ordered_active(specs)]
        unknown = [key for key in keys if key not in active]
        if unknown:
            raise InvalidConfig([ConfigError(f"$.custom_fields.{entity}", _(
                "“%(key)s” is not an active field of %(entity)s.") % {"key": key, "entity": _entity_label(entity)})
                for key in dict.fromkeys(unknown)])
        listed = list(dict.fromkeys(keys))
        for number, key in enumerate(listed + [key for key in active if key not in listed], start=1):
            specs[_index_of(specs, key)]["order"] = number  # the document's own spec dicts
        return _("Reordered the fields of %(entity)s") % {"entity": _entity_label(entity)}

    return _edit(actor=actor, base_version=base_version, change=change, note=note)


def _field_archived(*, actor: User, entity: str, key: str, archived: bool, base_version: int,
                    note: str) -> ConfigVersion | None:
    entity = _entity(entity)

    def change(document: Document) -> str:
        spec = _field_at(document, entity, key)
        if archived:
            spec["archived"] = True
            template = _("Archived the field “%(label)s” of %(entity)s")
        else:
            spec.pop("archived", None)
            template = _("Restored the field “%(label)s” of %(entity)s")
        return template % {"label": localized(spec.get("label")) or key, "entity": _entity_label(entity)}

    return _edit(actor=actor, base_version=base_version, change=change, note=note)


def custom_field_archive(*, actor: User, entity: str, key: str, base_version: int,
                         note: str = "") -> ConfigVersion | None:
    """Hide the field `key` everywhere; every stored value is kept for when it is restored."""
    return _field_archived(actor=actor, entity=entity, key=key, archived=True, base_version=base_version,
                           note=note)


def custom_field_restore(*, actor: User, entity: str, key: str, base_version: int,
                         note: str = "") -> ConfigVersion | None:
    """Bring an archived field back, with the values it kept."""
    return _field_archived(actor=actor, entity=entity, key=key, archived=False, base_version=base_version,
                           note=note)


def pipeline_save(*, actor: User, spec: Mapping[str, Any], original_key: str | None = None, base_version: int,
                  note: str = "", moves: Mapping[str, str] | None = None) -> ConfigVersion | None:
    """Add a pipeline (no `original_key`) or change the pipeline `original_key`: names, flags, stages.

    Stages left out are removed; deals in them move as `moves` says ({"pipeline.stage": "pipeline.stage"}),
    and without a move for each the save is refused at `$.stage_moves.<pipeline.stage>`."""

    def change(document: Document) -> str:
        pipelines = document.get("pipelines") or []
        existing = _index_of(pipelines, original_key)
        if original_key and existing is None:
            raise Http404
        if existing is not None and spec.get("key") != original_key:
            raise InvalidConfig([ConfigError(f"$.pipelines[{existing}].key", _(
                "The key of a saved pipeline cannot be changed; archive it and add a new pipeline instead."))])
        document["pipelines"], _index = pipelines_with(pipelines, spec, original_key)
        label = localized(spec.get("label")) or spec.get("key")
        template = _("Changed the pipeline “%(label)s”") if existing is not None else _("Added the pipeline “%(label)s”")
        return template % {"label": label}

    return _edit(actor=actor, base_version=base_version, change=change, note=note, moves=moves)


def _pipeline_flag(*, actor: User, key: str, base_version: int, note: str, action: str) -> ConfigVersion | None:
    def change(document: Document) -> str:
        pipelines = document.get("pipelines") or []
        index = _index_of(pipelines, key)
        if index is None:
            raise Http404
        pipeline = pipelines[index]
        if action == "default":
            for other in pipelines:
                other.pop("default", None)
            pipeline["default"] = True
            template = _("Made “%(label)s” the default pipeline")
        elif action == "archive":
            pipeline["archived"] = True
            template = _("Archived the pipeline “%(label)s”")
        else:
            pipeline.pop("archived", None)
            template = _("Restored the pipeline “%(label)s”")
        return template % {"label": localized(pipeline.get("label")) or key}

    return _edit(actor=actor, base_version=base_version, change=change, note=note)


def pipeline_make_default(*, actor: User, key: str, base_version: int, note: str = "") -> ConfigVersion | None:
    """Make `key` the pipeline new deals start in (it must not be archived)."""
    return _pipeline_flag(actor=actor, key=key, base_version=base_version, note=note, action="default")


def pipeline_archive(*, actor: User, key: str, base_version: int, note: str = "") -> ConfigVersion | None:
    """No new deals in `key`; deals already there keep it. The default pipeline cannot be archived."""
    return _pipeline_flag(actor=actor, key=key, base_version=base_version, note=note, action="archive")


def pipeline_restore(*, actor: User, key: str, base_version: int, note: str = "") -> ConfigVersion | None:
    """Offer an archived pipeline for new deals again."""
    return _pipeline_flag(actor=actor, key=key, base_version=base_version, note=note, action="restore")
