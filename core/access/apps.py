from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "core.access"
    label = "access"
