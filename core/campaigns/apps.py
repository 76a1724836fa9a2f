from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "core.campaigns"
    label = "campaigns"
