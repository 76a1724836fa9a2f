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
