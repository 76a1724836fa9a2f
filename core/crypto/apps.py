from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "core.crypto"
    label = "crypto"
