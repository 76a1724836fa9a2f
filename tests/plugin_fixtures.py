"""The `plugin` fixture: install a plugin for one test and enable it in workspace alpha's configuration."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from plugins.testing import installed_plugin


@pytest.fixture
def plugin(alpha) -> Callable[..., Any]:
    """`plugin(obj, "name", settings={...}, enabled=True)`: installed until the test ends, enabled in alpha."""
    from django_tenants.utils import schema_context

    from core.customization import services as config
    from core.customization.current import current_config, current_version
    from core.users.models import User
    from tests.factories import WORKSPACES

    stack = []

    def install(obj: Any, name: str, *, settings: dict | None = None, enabled: bool = True) -> Any:
        block = installed_plugin(obj, name)
        block.__enter__()
        stack.append(block)
        with schema_context(alpha.schema_name):
            owner = User.objects.get(email=WORKSPACES["alpha"].owner_email)
            document = copy.deepcopy(dict(current_config().document))
            document.setdefault("plugins", {})[name] = {"enabled": enabled, "settings": settings or {}}
            config.config_save(actor=owner, document=document, base_version=current_version(),
                               note=f"test plugin {name}")
        return obj

    yield install
    for block in reversed(stack):
        block.__exit__(None, None, None)
