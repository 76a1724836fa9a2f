"""`guanxi demo` fills its workspace through the real services."""

from django_tenants.utils import schema_context

from core.activities.models import Activity, Task
from core.audit.models import AuditEntry
from core.records.models import Account, Contact, Deal
from core.service.models import Ticket
from tenants.demo import seed_demo
from tests.factories import owner_of


def test_demo_data_covers_every_kind_of_record_and_is_written_through_services(alpha):
    owner = owner_of(alpha)
    with schema_context(alpha.schema_name):
        counts = seed_demo(owner=owner)
        assert counts["accounts"] == Account.objects.count() == 12
        assert Contact.objects.count() == 12 and Deal.objects.count() == counts["deals"] == 10
        assert Ticket.objects.count() == counts["tickets"] == 4
        assert Activity.objects.count() == 12 and Task.objects.count() == counts["tasks"]
        assert set(Deal.objects.values_list("stage", flat=True)) == {
            "initial_contact", "needs_analysis", "proposal", "negotiation", "won", "lost"}
        assert len(set(Account.objects.values_list("province", flat=True))) >= 8
        # one write path: every account creation is in the audit log
        assert AuditEntry.objects.filter(action="create", entity="account").count() == 12
        assert seed_demo(owner=owner) == {}  # only once
