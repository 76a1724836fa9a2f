"""Built-in plugins: real features written against the same hooks as any installed plugin.

Each is listed in plugins.manager.BUILTIN_PLUGINS and loads exactly like one from an entry point; a
workspace enables it in Settings › Plugins. They may use Guanxi's services like any plugin does.
"""
