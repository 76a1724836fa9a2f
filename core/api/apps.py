from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "core.api"
    label = "guanxi_api"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI authentication extensions)
