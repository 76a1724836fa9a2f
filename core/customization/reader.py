"""The configuration document as a reader may see it (GET /api/v1/config).

Admins read the whole document. Everyone else reads what their work needs: custom field definitions
they may see (a field hidden from their role is not described at all), pipelines and settings — and of
plugins only whether each is switched on, never their settings.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from core.access.scoping import access_of

from .services import may_configure


def document_for(actor: Any, document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `document` with what `actor` may not read taken out."""
    shown = copy.deepcopy(dict(document))
    plugins = shown.get("plugins") or {}
    if may_configure(actor):
        return shown
    role = access_of(actor).role or ""
    shown["plugins"] = {name: {"enabled": bool(state.get("enabled"))} for name, state in plugins.items()
                        if isinstance(state, dict)}
    for entity, specs in (shown.get("custom_fields") or {}).items():
        shown["custom_fields"][entity] = [spec for spec in specs or []
                                          if spec.get("visible_to") is None or role in spec["visible_to"]]
    return shown
