"""`guanxi seed --activities N` fills account timelines with rows the 360 view shows like service-written ones."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count, F
from django_tenants.utils import schema_context

from core.activities.models import Activity
from core.records.models import Account
from tests.factories import owner_of
from tests.records.conftest import api_for


def test_seed_activities_hang_under_accounts_and_show_in_the_overview(alpha):
    out = StringIO()
    call_command("seed", workspace="alpha", accounts=50, contacts=60, deals=20, activities=120, stdout=out)
    assert "120 activities" in out.getvalue()
    with schema_context(alpha.schema_name):
        assert (Account.objects.count(), Activity.objects.count()) == (50, 120)
        assert not Activity.objects.filter(account__isnull=True).exists()
        assert not Activity.objects.filter(author__isnull=True).exists()
        # a linked contact or deal always belongs to the activity's account
        assert not Activity.objects.filter(contact__isnull=False).exclude(contact__account_id=F("account_id")).exists()
        assert not Activity.objects.filter(deal__isnull=False).exclude(deal__account_id=F("account_id")).exists()
        busiest = (Activity.objects.values("account_id").annotate(n=Count("id")).order_by("-n", "account_id")
                   .first())
        expected = list(Activity.objects.filter(account_id=busiest["account_id"])
                        .order_by("-occurred_at", "-id").values_list("id", flat=True)[:50])
        last_seeded = Activity.objects.order_by("-id").values_list("id", flat=True).first()
    api = api_for(owner_of(alpha))
    response = api.get(f"/api/v1/accounts/{busiest['account_id']}/overview")
    assert response.status_code == 200, response.content
    assert [a["id"] for a in response.json()["activities"]] == expected
    created = api.post("/api/v1/activities", {"kind": "call", "subject": "After seeding",
                                              "account": busiest["account_id"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["id"] > last_seeded  # the sequence continues after the copied ids
