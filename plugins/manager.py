"""The process-wide plugin manager: built-ins from a list, others from the `guanxi.plugins` entry points.

Every installed plugin is registered once per process. Calls are limited to the plugins a workspace
enabled through `hook_for(enabled)`: pluggy's `subset_hook_caller`, cached per set of names, so
wrappers, `tryfirst`/`trylast` and `firstresult` work as pluggy documents. A plugin that fails to
import is left out and its error kept (`load_errors`), shown by `guanxi doctor`, the system checks and
the ops console; the others load. `GUANXI_PLUGINS` (a comma-separated allow-list) limits what loads.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module, metadata
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs

logger = logging.getLogger("guanxi.plugins")

ENTRY_POINT_GROUP = "guanxi.plugins"
# built-in plugins, registered exactly like installed ones: name -> module
BUILTIN_PLUGINS: dict[str, str] = {}


@dataclass(frozen=True)
class PluginInfo:
    """What Settings › Plugins and the ops console show of an installed plugin."""

    name: str
    version: str
    title: dict[str, str]  # {"zh-hans": …, "en": …}
    description: dict[str, str]
    builtin: bool
    module: str


_load_errors: dict[str, str] = {}
_infos: dict[str, PluginInfo] = {}


def _allowed() -> frozenset[str] | None:
    from django.conf import settings

    names = getattr(settings, "GUANXI_PLUGINS", None)
    return frozenset(names) if names else None


def _text(plugin: Any, attribute: str, default: str) -> dict[str, str]:
    value = getattr(plugin, attribute, None)
    if isinstance(value, dict):
        return {"zh-hans": str(value.get("zh-hans") or value.get("en") or default),
                "en": str(value.get("en") or value.get("zh-hans") or default)}
    return {"zh-hans": str(value or default), "en": str(value or default)}


def _register(manager: pluggy.PluginManager, name: str, plugin: Any, *, version: str, builtin: bool) -> None:
    manager.register(plugin, name=name)
    module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    _infos[name] = PluginInfo(name=name, version=str(getattr(plugin, "VERSION", "") or version),
                              title=_text(plugin, "TITLE", name), description=_text(plugin, "DESCRIPTION", ""),
                              builtin=builtin, module=module)


def _candidates() -> Iterable[tuple[str, Callable[[], Any], str, bool]]:
    for name, dotted in BUILTIN_PLUGINS.items():
        yield name, (lambda dotted=dotted: import_module(dotted)), "", True
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        version = getattr(getattr(entry_point, "dist", None), "version", "") or ""
        yield entry_point.name, entry_point.load, version, False


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    """Every installed plugin (allowed by GUANXI_PLUGINS), each registered under its name."""
    manager = pluggy.PluginManager("guanxi")
    manager.add_hookspecs(hookspecs)
    allowed = _allowed()
    for name, load, version, builtin in _candidates():
        if allowed is not None and name not in allowed:
            continue
        if manager.has_plugin(name):
            _load_errors[name] = f"two plugins are named {name!r}; the second was not loaded"
            continue
        try:
            _register(manager, name, load(), version=version, builtin=builtin)
        except Exception as error:  # one broken plugin must not break the others, signups or writes
            _load_errors[name] = "".join(traceback.format_exception_only(type(error), error)).strip()
            logger.exception("plugin failed to load", extra={"plugin": name})
    return manager


def reset() -> None:
    """Forget the loaded plugins (tests that install or register plugins call this)."""
    get_plugin_manager.cache_clear()
    _callers.clear()
    _load_errors.clear()
    _infos.clear()


def install(plugin: Any, name: str, *, version: str = "") -> None:
    """Register one more plugin in this process (tests, and plugins/testing.py's `installed_plugin`)."""
    _register(get_plugin_manager(), name, plugin, version=version, builtin=False)
    _callers.clear()


def uninstall(name: str) -> None:
    """Remove a plugin registered with `install`."""
    get_plugin_manager().unregister(name=name)
    _infos.pop(name, None)
    _callers.clear()


def installed() -> list[PluginInfo]:
    get_plugin_manager()
    return [_infos[name] for name in sorted(_infos)]


def plugin_info(name: str) -> PluginInfo | None:
    get_plugin_manager()
    return _infos.get(name)


def load_errors() -> dict[str, str]:
    get_plugin_manager()
    return dict(_load_errors)


def implements(name: str, hook_name: str) -> bool:
    """Whether the installed plugin `name` implements `hook_name`."""
    plugin = get_plugin_manager().get_plugin(name)
    return plugin is not None and any(impl.plugin is plugin
                                      for impl in getattr(get_plugin_manager().hook, hook_name).get_hookimpls())


_callers: dict[tuple[str, frozenset[str]], Any] = {}


def hook_for(enabled: Iterable[str], hook_name: str) -> Any:
    """The hook caller of `hook_name` limited to the plugins in `enabled` (cached per set)."""
    names = frozenset(enabled)
    key = (hook_name, names)
    caller = _callers.get(key)
    if caller is None:
        manager = get_plugin_manager()
        others = [plugin for plugin_name, plugin in manager.list_name_plugin() if plugin_name not in names]
        caller = manager.subset_hook_caller(hook_name, remove_plugins=others)
        _callers[key] = caller
    return caller


def plugin_of_failure(hook_name: str, error: BaseException) -> str | None:
    """Which registered plugin's code raised `error` inside a hook call (from the traceback)."""
    manager = get_plugin_manager()
    codes = {impl.function.__code__: impl.plugin_name
             for impl in getattr(manager.hook, hook_name).get_hookimpls()
             if hasattr(impl.function, "__code__")}
    modules = {info.module: name for name, info in _infos.items()}
    frame = error.__traceback__
    culprit = None
    while frame is not None:
        code = frame.tb_frame.f_code
        if code in codes:
            culprit = codes[code]
        module = frame.tb_frame.f_globals.get("__name__", "")
        for prefix, name in modules.items():
            if module == prefix or module.startswith(prefix + "."):
                culprit = culprit or name
        frame = frame.tb_next
    return culprit


# --- the workspace's settings of a plugin (filled in by core.customization) ---------------------------

_settings_provider: Callable[[str], dict[str, Any]] | None = None


def set_settings_provider(provider: Callable[[str], dict[str, Any]]) -> None:
    global _settings_provider
    _settings_provider = provider


def workspace_settings(name: str) -> dict[str, Any]:
    """The settings of plugin `name` in the current workspace (secrets decrypted), `{}` when none."""
    return dict(_settings_provider(name)) if _settings_provider is not None else {}
