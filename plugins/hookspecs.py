"""Every hook a plugin can implement. Each docstring is the plugin developer's reference."""

from __future__ import annotations

from . import hookspec


@hookspec
def guanxi_workspace_created(workspace: str, schema_name: str, owner_email: str) -> None:
    """Called once after a new workspace has been created and committed.

    :param workspace: the workspace address (``acme`` for ``acme.example.com``)
    :param schema_name: the PostgreSQL schema that holds its data
    :param owner_email: the email of the owner who signed up

    A notification hook: its return value is ignored, and an exception it raises is logged with
    the plugin's name without failing the signup.
    """


@hookspec
def guanxi_record_saved(entity: str, record_id: int, action: str, fields: list[str], actor_id: int | None) -> None:
    """Called after a CRM record was created, updated, deleted, merged, claimed or released (after commit).

    :param entity: ``account``, ``contact``, ``deal``, ``product`` …
    :param record_id: the record's id in the current workspace schema
    :param action: ``create``, ``update``, ``delete``, ``merge``, ``claim``, ``release``, ``convert``
    :param fields: the names of the fields that changed (empty for delete)
    :param actor_id: the id of the user who made the change, or None for the system

    A notification hook: the current workspace's schema is active while it runs; an exception is
    logged with the plugin's name and does not undo the change.
    """


@hookspec
def guanxi_deal_stage_changed(deal_id: int, from_stage: str, to_stage: str, actor_id: int | None) -> None:
    """Called after a deal moved to another stage (after commit), whoever moved it (board, API, import).

    A notification hook, like ``guanxi_record_saved``.
    """
