"""Check that this installation can serve: database, migrations, template, broker, settings."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Diagnose the installation; exits non-zero when something would break signups or requests."

    def handle(self, *args, **options):
        from core.crypto.health import field_encryption_check
        from tenants.template_schema import pending_public_migrations, pending_template_migrations

        failures = 0

        def report(name: str, ok: bool, detail: str = "") -> None:
            nonlocal failures
            failures += 0 if ok else 1
            mark = self.style.SUCCESS("ok  ") if ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {name}{': ' + detail if detail else ''}")

        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                report("database", True, f"PostgreSQL {cursor.fetchone()[0]}")
        except Exception as error:
            report("database", False, str(error))
            raise CommandError("The database is not reachable.") from None
        pending = pending_public_migrations()
        report("public schema migrations", not pending, ", ".join(pending) or "all applied")
        pending = pending_template_migrations()
        report("workspace template", not pending,
               ("lags behind: " + ", ".join(pending) + " — run `guanxi migrate`") if pending else "current")
        report("secret key", not settings.SECRET_KEY_GENERATED or not settings.PRODUCTION,
               "generated development key" if settings.SECRET_KEY_GENERATED else "from SECRET_KEY")
        report("field encryption", *field_encryption_check())
        report("broker", True, settings.CELERY_BROKER_URL.split("@")[-1])
        report("email", True, settings.GUANXI_DELIVERY_EMAIL_BACKEND)
        report("billing", True, "Stripe configured" if settings.STRIPE_SECRET_KEY else "off (no STRIPE_SECRET_KEY)")
        if failures:
            raise CommandError(f"{failures} check(s) failed.")
