"""Guanxi's plugin system (pluggy). `from plugins import hookimpl` marks a plugin's hook functions."""

import pluggy

hookspec = pluggy.HookspecMarker("guanxi")
hookimpl = pluggy.HookimplMarker("guanxi")

__all__ = ["hookimpl", "hookspec"]
