"""Migrate everything: the public schema, the workspace template and every workspace.

Also makes sure the public tenant (the landing site's host) and the template tenant exist, so a
fresh database ends up ready for signups. Safe to run again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tenants import template_schema
from tenants.models import Domain, Tenant


def ensure_public_tenant() -> Tenant:
    tenant = Tenant.objects.filter(schema_name="public").first()
    if tenant is None:
        tenant = Tenant(schema_name="public", slug="public", name="Guanxi", status="active")
        tenant.save()
    hosts = {settings.GUANXI_BASE_DOMAIN, "127.0.0.1"} | set(getattr(settings, "GUANXI_PUBLIC_EXTRA_HOSTS", []))
    for host in sorted(hosts):
        Domain.objects.get_or_create(domain=host, defaults={"tenant": tenant,
                                                            "is_primary": host == settings.GUANXI_BASE_DOMAIN})
    return tenant


class Command(BaseCommand):
    help = "Migrate the public schema, the workspace template and all workspaces."

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_public_tenant()
        template_schema.ensure_template_tenant()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        template_schema.forget_template_state()
        template_schema.ensure_clone_function()
        pending = template_schema.pending_template_migrations()
        if pending:
            raise CommandError("The workspace template is still behind: " + ", ".join(pending))
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Public schema, template and workspaces are migrated."))
