"""The process-wide plugin manager: built-ins from a list, others from the `guanxi.plugins` entry points."""

from __future__ import annotations

import logging
from functools import cache

import pluggy

from . import hookspecs

logger = logging.getLogger(__name__)

BUILTIN_PLUGINS: list[str] = []


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("guanxi")
    manager.add_hookspecs(hookspecs)
    for dotted in BUILTIN_PLUGINS:
        module = __import__(dotted, fromlist=["*"])
        manager.register(module, name=dotted)
    try:
        manager.load_setuptools_entrypoints("guanxi.plugins")
    except Exception:  # one broken installed plugin must not break signups and record writes
        logger.exception("loading plugins from the guanxi.plugins entry points failed")
    return manager


def notify(hook_name: str, **kwargs) -> None:
    """Call a notification hook on every plugin; one plugin failing never breaks the caller."""
    try:
        manager = get_plugin_manager()
    except Exception:
        logger.exception("plugin manager unavailable", extra={"hook": hook_name})
        return
    hook = getattr(manager.hook, hook_name)
    for impl in hook.get_hookimpls():
        try:
            impl.function(**{name: kwargs[name] for name in impl.argnames})
        except Exception:
            logger.exception("plugin hook failed", extra={"plugin": impl.plugin_name, "hook": hook_name})
