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
