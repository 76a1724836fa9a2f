from django.apps import AppConfig


class CustomizationConfig(AppConfig):
    name = "core.customization"
    label = "customization"
    verbose_name = "Customization"

    def ready(self) -> None:
        from core.crypto.registry import register_token_holders

        from . import current  # noqa: F401  (connects the per-request memo reset)
        from .rotation import token_holders

        register_token_holders(token_holders)

        from core.events.subscribers import register_provider
        from plugins import manager

        from .plugins import plugin_subscribers, settings_of

        register_provider(plugin_subscribers)
        manager.set_settings_provider(settings_of)
