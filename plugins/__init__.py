"""Guanxi's plugin system (pluggy). The public API of a plugin:

    from plugins import hookimpl, workspace_settings

`hookimpl` marks a plugin's hook functions (pluggy project name "guanxi"); `workspace_settings(name)`
returns the plugin's settings in the workspace a hook runs for. docs/plugins.md is the guide.
"""

from .markers import hookimpl, hookspec


def workspace_settings(name: str) -> dict:
    """The settings of plugin `name` in the current workspace (`{}` when it has none)."""
    from .manager import workspace_settings as settings_of

    return settings_of(name)


__all__ = ["hookimpl", "hookspec", "workspace_settings"]
