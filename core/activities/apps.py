from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "core.activities"
    label = "activities"
