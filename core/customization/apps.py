from django.apps import AppConfig


class CustomizationConfig(AppConfig):
    name = "core.customization"
    label = "customization"
    verbose_name = "Customization"

    def ready(self) -> None:
        from . import current  # noqa: F401  (connects the per-request memo reset)
