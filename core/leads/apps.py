from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "core.leads"
    label = "leads"
