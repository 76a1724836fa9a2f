"""Every hook a plugin can implement. Each docstring is the plugin developer's reference.

docs/plugins.md's hook reference is generated from these (a test fails when the two differ). Three
kinds of hooks:

- **In the write transaction** (`guanxi_validate_record`): called by the one write path before a
  record is saved, in the workspace's schema, inside the transaction of the change. It may veto.
- **After commit, through the outbox** (`guanxi_record_saved` … `guanxi_seats_changed`): called by the
  event dispatcher, in a Celery worker, in the workspace's schema, each in its own transaction, at
  least once per event — deduplicate on `event_id` if doing something twice would matter. An exception
  is retried with back-off and recorded; it never undoes the change that caused the event.
- **Contributions** (`guanxi_score_lead`, `guanxi_register_*`, `guanxi_settings_schema`): asked when
  Guanxi needs what the plugin adds.

Every call reaches only the plugins the current workspace enabled (Settings › Plugins), except
`guanxi_settings_schema` and the `guanxi_register_*` hooks, which describe a plugin and are asked of
every installed one. Hooks are called through pluggy, so `tryfirst`, `trylast`, `wrapper` and
`firstresult` behave as pluggy documents. An implementation may accept any subset of a hook's
parameters; new parameters may be added to a hook in a minor release, never removed. A plugin reads its
settings in the current workspace with ``plugins.workspace_settings("<plugin name>")``.
"""

from __future__ import annotations

from typing import Any

from .markers import hookspec

# --- in the write transaction ---------------------------------------------------------------------


@hookspec
def guanxi_validate_record(entity: str, record: Any, changes: dict[str, Any], actor: Any) -> None:
    """Check a record before the write path saves it; raise to refuse the change.

    :param entity: the record type: ``account``, ``contact``, ``lead``, ``deal``, ``ticket``, ``activity``,
        ``task``, ``campaign``, ``product``
    :param record: the record as it will be saved (unsaved for a create); read its fields, never save it
    :param changes: ``{field: [old, new]}`` of what this save changes (custom fields as ``custom.<key>``;
        sensitive values masked)
    :param actor: the user making the change (a ``core.users.models.User``)

    Runs in the workspace's schema inside the transaction of the change, after the record's own
    validation passed. To refuse, raise ``django.core.exceptions.ValidationError({"field": "message"})``
    (``custom.<key>`` for a custom field): the user sees it next to the field, in the API's error shape,
    on every entry point. Any other exception refuses the change too, with a message naming the plugin
    (never a server error). Return value ignored. Not ``firstresult``: every enabled plugin is asked.
    """


# --- after commit, through the outbox ------------------------------------------------------------


@hookspec
def guanxi_record_saved(entity: str, record_id: int, action: str, fields: list[str], changes: dict[str, Any],
                        actor_id: int | None, event_id: str) -> None:
    """A CRM record was created or changed (committed).

    :param entity: the record type (see ``guanxi_validate_record``)
    :param record_id: the record's id in the current workspace
    :param action: ``create``, ``update``, ``merge``, ``claim``, ``release``, ``convert``, ``stage_changed``
    :param fields: the names of the fields that changed
    :param changes: ``{field: [old, new]}``, sensitive values masked as their field type masks them
    :param actor_id: the user who made the change, or None for the system
    :param event_id: the event's stable id (a UUID as text): the same on every retry

    Through the outbox: a worker calls it after the commit, in the workspace's schema, at least once.
    Return value ignored; an exception is retried with back-off, then recorded.
    """


@hookspec
def guanxi_record_deleted(entity: str, record_id: int, actor_id: int | None, event_id: str) -> None:
    """A CRM record was deleted (committed). The record no longer exists when this runs.

    Through the outbox, like ``guanxi_record_saved``.
    """


@hookspec
def guanxi_deal_stage_changed(deal_id: int, from_stage: str, to_stage: str, actor_id: int | None, event_id: str) -> None:
    """A deal moved to another stage — on the board, a form, the API, an import or a configuration change.

    :param from_stage: the stage key it left
    :param to_stage: the stage key it entered (look it up in the workspace's pipelines for its kind:
        open, won or lost)

    Through the outbox, like ``guanxi_record_saved``.
    """


@hookspec
def guanxi_ticket_sla_breached(ticket_id: int, breach: str, due_at: str, event_id: str) -> None:
    """A service ticket missed a target: ``breach`` is ``response`` or ``resolution``; ``due_at`` ISO 8601.

    Announced once per breach. Through the outbox, like ``guanxi_record_saved``.
    """


@hookspec
def guanxi_workspace_created(workspace: str, schema_name: str, owner_email: str, event_id: str) -> None:
    """A new workspace was created (committed): its first event, in its own schema.

    :param workspace: the workspace address (``acme`` for ``acme.example.com``)
    :param schema_name: the PostgreSQL schema that holds its data
    :param owner_email: the email of the owner who signed up

    Through the outbox; only plugins enabled for new workspaces (by the preset chosen at signup) run.
    """


@hookspec
def guanxi_seats_changed(billable: int, viewers: int, approvers: int, event_id: str) -> None:
    """The number of active users changed: ``billable`` full seats, ``viewers`` and ``approvers``.

    Through the outbox, like ``guanxi_record_saved``.
    """


# --- contributions -------------------------------------------------------------------------------


@hookspec
def guanxi_score_lead(lead: Any) -> int | None:
    """A score from 0 to 100 for a lead, or None to abstain.

    Asked when a lead is scored (on every save of a lead, and for all leads on demand). The scores of
    the enabled plugins that answer are averaged and rounded; with no answer the score stays as it is.
    Runs in the write transaction of the lead: read, never write.
    """


@hookspec
def guanxi_register_field_types(register: Any) -> None:
    """Add custom-field types: ``register(name, field_type_class, schema)``.

    ``field_type_class`` derives from ``core.customization.fieldtypes.FieldType`` (its clean, display,
    mask and export define parsing, formatting and masking); ``schema`` is the JSON Schema fragment of
    the type's options in the configuration. Asked once per process of every installed plugin; the type
    is usable in a workspace's configuration while the plugin is enabled there.
    """


@hookspec
def guanxi_register_api(register: Any) -> None:
    """Add API endpoints: ``register(path, view)``, mounted at ``/api/v1/plugins/<plugin>/<path>``.

    ``view`` derives from ``core.api.base.ScopedGenericAPIView`` or ``WorkspaceAPIView``: it gets the
    workspace's authentication, scoping and error shape, and appears in the OpenAPI document. A request
    to a plugin the workspace has not enabled answers 404. Asked once per process.
    """


@hookspec
def guanxi_register_record_panels(register: Any) -> None:
    """Add panels to the account page (the 360 view): ``register(core.overview.panels.Panel(...))``.

    Shown only in workspaces that enabled the plugin. Asked once per process.
    """


@hookspec
def guanxi_register_periodic_tasks(register: Any) -> None:
    """Add periodic work: ``register(name, schedule, function)``; ``schedule`` a celery schedule.

    ``function()`` runs in every workspace that enabled the plugin, in its schema.
    Asked once per process.
    """


@hookspec(firstresult=True)
def guanxi_settings_schema() -> dict[str, Any] | None:
    """The JSON Schema (Draft 2020-12) of this plugin's settings, or None for a plugin without settings.

    Admins edit the settings in a form generated from it; a property with ``"writeOnly": true`` is a
    secret, stored encrypted and never shown again. ``firstresult``: asked of one plugin at a time.
    """
