"""The pluggy markers of project "guanxi": `hookspec` declares a hook, `hookimpl` marks a plugin's."""

import pluggy

hookspec = pluggy.HookspecMarker("guanxi")
hookimpl = pluggy.HookimplMarker("guanxi")
