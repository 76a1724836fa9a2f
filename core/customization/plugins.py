"""Plugins in a workspace: which are enabled, their settings, and calling their hooks there.

The `plugins` section of the workspace configuration says, per installed plugin, whether it is
enabled and its settings (validated against the schema the plugin declares; secrets — properties
marked `"writeOnly": true` — are stored encrypted and never read back out). Hooks are called through
`plugin_hook(name)`, limited to the enabled plugins (cached per configuration version); after-commit
hooks reach plugins through the outbox: every enabled plugin that implements one is a subscriber of the
workspace's events (registered in CustomizationConfig.ready).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.crypto.cipher import decrypt, encrypt
from core.events.models import DomainEvent
from core.events.subscribers import Subscriber
from plugins import manager

from .current import current_config

ENCRYPTED = "$enc"
# event type -> the after-commit hook that receives it, and the payload keys it is given
EVENT_HOOKS: dict[str, str] = {
    "record.saved": "guanxi_record_saved",
    "record.deleted": "guanxi_record_deleted",
    "deal.stage_changed": "guanxi_deal_stage_changed",
    "ticket.sla_breached": "guanxi_ticket_sla_breached",
    "workspace.created": "guanxi_workspace_created",
    "seats.changed": "guanxi_seats_changed",
}


def _section(document: Mapping[str, Any]) -> Mapping[str, Any]:
    section = document.get("plugins") or {}
    return section if isinstance(section, Mapping) else {}


def enabled_in(document: Mapping[str, Any]) -> frozenset[str]:
    """The installed plugins a configuration document enables."""
    installed = {info.name for info in manager.installed()}
    return frozenset(name for name, state in _section(document).items()
                     if isinstance(state, Mapping) and state.get("enabled") and name in installed)


def enabled_plugins() -> frozenset[str]:
    """The plugins enabled in the current workspace (computed once per configuration version)."""
    config = current_config()
    found = getattr(config, "enabled_plugins", None)
    if found is None:
        found = config.enabled_plugins = enabled_in(config.document)
    return found


def plugin_hook(hook_name: str) -> Any:
    """The hook `hook_name` of the plugins the current workspace enabled (a pluggy hook caller)."""
    return manager.hook_for(enabled_plugins(), hook_name)


def secret_keys(name: str) -> frozenset[str]:
    """The settings of plugin `name` its schema marks `writeOnly`: stored encrypted, never shown."""
    schema = settings_schema(name) or {}
    return frozenset(key for key, spec in (schema.get("properties") or {}).items()
                     if isinstance(spec, Mapping) and spec.get("writeOnly"))


def settings_schema(name: str) -> Mapping[str, Any] | None:
    """The JSON Schema a plugin declares for its settings (None: no settings)."""
    plugin = manager.get_plugin_manager().get_plugin(name)
    if plugin is None:
        return None
    return manager.hook_for([name], "guanxi_settings_schema")()


def seal_secret(value: Any) -> dict[str, str]:
    return {ENCRYPTED: encrypt(str(value), "plugin-secret")}


def open_secret(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {ENCRYPTED}:
        return decrypt(value[ENCRYPTED], "plugin-secret")
    return value


def settings_of(name: str) -> dict[str, Any]:
    """Plugin `name`'s settings in the current workspace, secrets decrypted (for the plugin itself)."""
    state = _section(current_config().document).get(name) or {}
    settings = state.get("settings") if isinstance(state, Mapping) else None
    return {key: open_secret(value) for key, value in (settings or {}).items()}


def _delivery_to(name: str):
    """Deliver an event to one plugin: its after-commit hook, called through pluggy for that plugin alone."""
    def deliver(event: DomainEvent) -> None:
        manager.hook_for([name], EVENT_HOOKS[event.type])(**event.payload, event_id=str(event.event_id))
    return deliver


def plugin_subscribers() -> list[Subscriber]:
    """Each enabled plugin that implements an after-commit hook, as a subscriber of the outbox."""
    found = []
    for name in sorted(enabled_plugins()):
        types = frozenset(event_type for event_type, hook_name in EVENT_HOOKS.items()
                          if manager.implements(name, hook_name))
        if not types:
            continue
        found.append(Subscriber(name=f"plugin:{name}", wants=types.__contains__, deliver=_delivery_to(name)))
    return found


def validate_with_plugins(*, entity: str, record: Any, changes: Mapping[str, Any], actor: Any) -> None:
    """`guanxi_validate_record` of the enabled plugins, inside the write; a veto is a ValidationError.

    A plugin that raises anything else refuses the change too — fail closed — with a message naming it.
    """
    if not enabled_plugins():
        return
    hook_name = "guanxi_validate_record"
    try:
        plugin_hook(hook_name)(entity=entity, record=record, changes=dict(changes), actor=actor)
    except ValidationError:
        raise
    except Exception as error:
        name = manager.plugin_of_failure(hook_name, error) or "?"
        raise ValidationError(_("The plugin “%(plugin)s” failed while checking this change, so it was not "
                                "saved. Try again; if it keeps happening, tell your administrator.")
                              % {"plugin": name}, code="plugin_failed") from error
