from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "core.users"
    label = "users"
    verbose_name = "Users"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audits logins, failed logins and logouts)
