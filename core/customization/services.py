"""Every change to a workspace's configuration: validate, save as a new version, roll back.

`config_validate` runs both layers (structural JSON Schema, then semantic and data checks) and returns
every error; `config_save` refuses a document with any error — nothing changes — and otherwise, in one
transaction, adds the next version, applies what the change means for stored data (deals of removed
stages move as the admin chose, values of a field whose type changed are converted, values of a field
that became sensitive are encrypted), and writes the audit entry. A save from an older base version
than the one in force is a Conflict (409): two admins never overwrite each other silently.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access.scoping import access_of, require
from core.api.errors import ApplicationError, Conflict
from core.audit.services import audit_record
from core.users.models import User
from core.users.roles import ADMIN_ROLES

from . import current, semantic
from .models import ConfigVersion
from .schema import ConfigError, load_preset, structural_errors


class InvalidConfig(ApplicationError):
    code = "invalid_config"

    def __init__(self, errors: list[ConfigError]):
        super().__init__(_("The configuration has %(n)d problem(s); nothing was changed.") % {"n": len(errors)},
                         fields=[{"path": e.path, "code": "invalid", "message": e.message} for e in errors])
        self.errors = errors


def may_configure(actor: User) -> bool:
    return access_of(actor).role in ADMIN_ROLES


def config_validate(document: Any, *, moves: Mapping[str, str] | None = None) -> list[ConfigError]:
    """Every problem of `document` as the next version of this workspace (empty list: it can be saved)."""
    errors = structural_errors(document)
    if errors:
        return errors
    errors = semantic.document_errors(document)
    if errors:
        return errors
    previous = current.current_config().document
    return semantic.data_errors(document, previous, moves)


def config_save(*, actor: User, document: Any, base_version: int, note: str = "",
                moves: Mapping[str, str] | None = None, preset: str = "",
                rolled_back_to: int | None = None) -> ConfigVersion:
    """Save `document` as the next version, if `base_version` is still the version in force."""
    require(may_configure(actor))
    document = copy.deepcopy(document)
    with transaction.atomic():
        in_force = current.current_version()
        if base_version != in_force:
            raise _conflict(base_version, in_force)
        errors = config_validate(document, moves=moves)
        if errors:
            raise InvalidConfig(errors)
        previous = current.current_config().document
        try:
            with transaction.atomic():
                version = ConfigVersion.objects.create(
                    number=in_force + 1, document=document, author=actor, author_label=actor.email,
                    created_at=timezone.now(), note=(note or "")[:300], preset=preset,
                    rolled_back_to=rolled_back_to)
        except IntegrityError:  # another admin saved the same next number a moment ago
            raise _conflict(base_version, current.current_version()) from None
        compiled = current.compiled_version(version.number, version.pk, document)
        from .migrate_data import apply_data_changes

        moved = apply_data_changes(actor=actor, previous=previous, document=document, moves=moves or {},
                                   compiled=compiled)
        audit_record(actor=actor, action="config_changed", entity="config", record_id=version.number,
                     record_label=f"v{version.number}", fields=sorted(_changed_sections(previous, document)),
                     changes={"version": (in_force, version.number)} | ({"moved_deals": (None, moved)}
                                                                         if moved else {}))
        _plugins_switched(previous, document)
        schema = connection.schema_name
        transaction.on_commit(lambda: _after_commit(version, schema))
    current.remember(version.number, version.pk)
    return version


def _plugins_switched(previous: Mapping[str, Any], document: Mapping[str, Any]) -> None:
    """A plugin enabled by this version receives the events from now on; a disabled one none at all."""
    from core.events.dispatch import start_subscriber, stop_subscriber

    from .plugins import enabled_in

    before, after = enabled_in(previous), enabled_in(document)
    for name in sorted(after - before):
        start_subscriber(f"plugin:{name}")
    for name in sorted(before - after):
        stop_subscriber(f"plugin:{name}")


def _after_commit(version: ConfigVersion, schema: str) -> None:
    """Indexes are built in the background, in the schema of the workspace whose configuration changed."""
    from django_tenants.utils import schema_context

    from .indexes import schedule_indexes

    with schema_context(schema):
        current.remember(version.number, version.pk)
        schedule_indexes()


def _conflict(base: int, in_force: int) -> Conflict:
    return Conflict(_("The configuration changed since you opened it (you edited version %(base)d, version "
                      "%(current)d is in force). Reload it, apply your change again and save.")
                    % {"base": base, "current": in_force}, code="version_conflict")


def _changed_sections(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    return {key for key in set(before) | set(after)
            if json.dumps(before.get(key), sort_keys=True) != json.dumps(after.get(key), sort_keys=True)}


def config_rollback(*, actor: User, to_version: int, base_version: int, note: str = "",
                    moves: Mapping[str, str] | None = None) -> ConfigVersion:
    """A new version equal to an old one (history only grows); it must still fit the stored data."""
    require(may_configure(actor))
    document = version_document(to_version)
    return config_save(actor=actor, document=document, base_version=base_version, moves=moves,
                       note=note or _("Rollback to version %(n)d") % {"n": to_version}, rolled_back_to=to_version)


def config_apply_preset(*, actor: User, preset: str, base_version: int, note: str = "",
                        moves: Mapping[str, str] | None = None) -> ConfigVersion:
    """Replace the configuration with a preset's document (as a new version); `moves` as for config_save."""
    require(may_configure(actor))
    try:
        document = load_preset(preset)
    except KeyError:
        raise InvalidConfig([ConfigError("$.preset", _("There is no preset “%(key)s”.") % {"key": preset})]) from None
    return config_save(actor=actor, document=document, base_version=base_version, preset=preset, moves=moves,
                       note=note or _("Preset %(key)s") % {"key": preset})


def version_document(number: int) -> dict[str, Any]:
    """The document of version `number` (0: the built-in default); Http404 when there is none."""
    from django.http import Http404

    if number == 0:
        return current.default_document()
    row = ConfigVersion.objects.filter(number=number).values_list("document", flat=True).first()
    if row is None:
        raise Http404
    return row
