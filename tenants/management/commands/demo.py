"""Create the demo workspace and a staff login if they do not exist yet (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from core.users.models import User
from tenants.demo import seed_demo
from tenants.models import Tenant, workspace_url
from tenants.services import tenant_signup, workspace_host

DEMO_PASSWORD = "guanxi-demo-2026"
DEMO_OWNER = "owner@demo.guanxi.localhost"
STAFF_EMAIL = "ops@guanxi.localhost"


class Command(BaseCommand):
    help = "Create the demo workspace (owner login) and an ops staff login, once."

    def handle(self, *args, **options):
        slug = settings.GUANXI_DEMO_WORKSPACE
        connection.set_schema_to_public()
        if not Tenant.objects.filter(slug=slug).exists():
            tenant_signup(company_name="示例科技 Demo Co.", workspace=slug, name="王经理 Demo Owner",
                          email=DEMO_OWNER, password=DEMO_PASSWORD, language="zh-hans")
            self.stdout.write(self.style.SUCCESS(f"Demo workspace “{slug}” created."))
        tenant = Tenant.objects.get(slug=slug)
        with schema_context(tenant.schema_name):
            counts = seed_demo(owner=User.objects.get(email=DEMO_OWNER))
        if counts:
            self.stdout.write("Sample data: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        connection.set_schema_to_public()
        if not User.objects.filter(email=STAFF_EMAIL).exists():
            User.objects.create_user(STAFF_EMAIL, DEMO_PASSWORD, name="Ops", role="admin", is_staff=True)
        self.stdout.write(f"Workspace: {workspace_url(workspace_host(slug), '/')}  login {DEMO_OWNER} / {DEMO_PASSWORD}")
        self.stdout.write(f"Ops console: {settings.GUANXI_PUBLIC_URL}/ops/  login {STAFF_EMAIL} / {DEMO_PASSWORD}")
