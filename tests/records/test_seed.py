"""`guanxi seed` fills a workspace with rows that behave like service-written ones."""

from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_context

from core.records.models import Account, Contact, Deal
from tests.factories import make_user
from tests.records.conftest import api_for


def test_seed_inserts_searchable_encrypted_rows(alpha):
    member = make_user(alpha, role="admin", email="seed-admin@alpha.test")
    out = StringIO()
    call_command("seed", workspace="alpha", accounts=30, contacts=40, deals=25, stdout=out)
    with schema_context(alpha.schema_name):
        assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == (30, 40, 25)
        account = Account.objects.order_by("id").first()
        assert account.phones[0].startswith("+861")
        fragment = account.name[2:4]
        number = account.phones[0]
    api = api_for(member)
    names = [a["name"] for a in api.get("/api/v1/accounts", {"q": fragment, "page_size": 200}).json()["results"]]
    assert account.name in names

    def by_phone(q):
        return [a["id"] for a in api.get("/api/v1/accounts", {"q": q, "page_size": 200}).json()["results"]]

    # the four digits its mask shows and the whole number find it; two masked digits more do not
    assert account.pk in by_phone(number[-4:])
    assert account.pk in by_phone(number)
    assert account.pk not in by_phone(number[-6:])
    # the sequence continues after the copied ids: the write path can create more
    created = api.post("/api/v1/accounts", {"name": "After seeding"}, format="json")
    assert created.status_code == 201
