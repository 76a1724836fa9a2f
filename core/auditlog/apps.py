from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    """The admins' audit log page and API. Writing entries is the kernel core.audit; this app reads them."""

    name = "core.auditlog"
    label = "auditlog"
    verbose_name = "Audit log"
