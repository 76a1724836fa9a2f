from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "core.service"
    label = "service"
