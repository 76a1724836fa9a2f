"""System checks. `guanxi check --database default` (and `guanxi doctor`) fail if the template lags."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.database)
def template_schema_current(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not databases:
        return []
    from .template_schema import pending_template_migrations

    try:
        pending = pending_template_migrations()
    except DatabaseError as error:
        return [checks.Error(f"Cannot inspect the workspace template schema: {error}", id="guanxi.E002")]
    if pending:
        return [checks.Error(
            "The workspace template schema lags behind the migrations: " + ", ".join(pending),
            hint="Run `guanxi migrate`. New workspaces are cloned from the template and would miss these tables.",
            id="guanxi.E001",
        )]
    return []
