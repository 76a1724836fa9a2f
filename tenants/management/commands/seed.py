"""`guanxi seed --workspace W --accounts N …`: fill a workspace quickly for benchmarks (COPY)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.users.models import User
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Bulk-insert sample accounts, contacts, deals and activities into a workspace (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="Workspace address, e.g. demo")
        parser.add_argument("--accounts", type=int, default=1000)
        parser.add_argument("--contacts", type=int, default=0)
        parser.add_argument("--deals", type=int, default=0)
        parser.add_argument("--activities", type=int, default=0,
                            help="Activities on the workspace's accounts (after accounts, contacts, deals)")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, workspace, accounts, contacts, deals, seed, activities=0, **options):
        from core.activities.seeding import seed_activities
        from core.records.models import Account
        from core.records.seeding import seed as bulk_seed

        tenant = Tenant.objects.filter(slug=workspace, is_template=False).first()
        if tenant is None:
            raise CommandError(f"No workspace “{workspace}”.")
        if min(accounts, contacts, deals, activities) < 0 or (accounts == 0 and (contacts or deals)):
            raise CommandError("Counts must be ≥ 0, and contacts/deals need accounts to hang under.")
        started = time.monotonic()
        with schema_context(tenant.schema_name):
            owner_ids = list(User.objects.filter(is_active=True).values_list("id", flat=True))
            counts = bulk_seed(accounts=accounts, contacts=contacts, deals=deals, owner_ids=owner_ids,
                               seed_value=seed, progress=self.stdout.write)
            if activities:
                # every account of the workspace (the new ones and any earlier), merged ones aside
                account_ids = list(Account.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
                if not account_ids:
                    raise CommandError("Activities need accounts to hang under.")
                counts["activities"] = seed_activities(count=activities, account_ids=account_ids,
                                                       owner_ids=owner_ids, seed_value=seed,
                                                       progress=self.stdout.write)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            ", ".join(f"{n} {what}" for what, n in counts.items()) + f" inserted in {elapsed:.1f} s"))
