"""Helpers for testing plugins: install one for the length of a test, then remove every trace of it.

    from plugins.testing import installed_plugin

    with installed_plugin(MyPlugin(), "my_plugin"):
        ...  # enable it in a workspace (its configuration's `plugins` section), write, assert

Guanxi's own test suite wraps this in the `plugin` fixture (tests/plugin_fixtures.py), which also enables
the plugin in workspace alpha; a plugin's own tests can use either.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import manager


@contextmanager
def installed_plugin(plugin: Any, name: str, *, version: str = "0.0.test") -> Iterator[Any]:
    """Register `plugin` under `name` in this process's plugin manager until the block ends."""
    manager.install(plugin, name, version=version)
    try:
        yield plugin
    finally:
        manager.uninstall(name)
