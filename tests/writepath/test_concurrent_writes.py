"""Two people (or a person and a worker) changing one record at once: nobody's change is lost.

Each thread holds its own copy of the deal, read before the other saved — the classic lost update. The
write path locks the row, compares against what is stored now, writes only the changed columns and
merges only the changed custom keys in the database, so both changes survive; a save that names the
version it read is refused once someone else saved, and writes nothing.
"""

from __future__ import annotations

import copy
import secrets
import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from core.audit.models import FieldChange
from core.customization import services as config
from core.customization.current import default_document
from core.customization.records import plain
from core.records import services as records
from core.records.models import Deal
from core.users.models import User
from core.writepath.versions import StaleVersion
from tests.factories import PASSWORD, drop_workspace

pytestmark = pytest.mark.committed

FIELDS = [{"key": "budget_code", "type": "text", "label": {"zh-hans": "预算编号", "en": "Budget code"}},
          {"key": "region", "type": "text", "label": {"zh-hans": "区域", "en": "Region"}, "sensitive": True}]


@pytest.fixture
def workspace(committed_db):
    from tenants.services import tenant_signup

    slug = f"race-{secrets.token_hex(3)}"
    try:
        tenant = tenant_signup(company_name="Race Proof Ltd", workspace=slug, name="Ry", email=f"owner@{slug}.test",
                               password=PASSWORD, language="en").tenant
        with schema_context(tenant.schema_name):
            owner = User.objects.get(email=f"owner@{slug}.test")
            document = default_document()
            document["custom_fields"] = {"deal": copy.deepcopy(FIELDS)}
            config.config_save(actor=owner, document=document, base_version=0)
            account = records.account_create(actor=owner, data={"name": "Proof Co"})
            deal = records.deal_create(actor=owner, data={"name": "Race deal", "account": account.pk,
                                                          "amount": "100", "custom": {"budget_code": "B-0"}})
        yield tenant, owner, deal
    finally:
        connections.close_all()
        drop_workspace(slug)


def _race(tenant, *calls) -> list[str]:
    """Run each call in its own thread and connection, all released at once; their outcomes by index."""
    barrier = threading.Barrier(len(calls))
    outcomes = [""] * len(calls)

    def run(index: int) -> None:
        try:
            with schema_context(tenant.schema_name):
                barrier.wait(timeout=10)
                calls[index]()
                outcomes[index] = "saved"
        except StaleVersion:
            outcomes[index] = "stale"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_people_changing_different_fields_of_one_deal_both_keep_their_change(workspace):
    tenant, owner, deal = workspace
    with schema_context(tenant.schema_name):
        stale_a = Deal.objects.get(pk=deal.pk)  # both copies read before either saved
        stale_b = Deal.objects.get(pk=deal.pk)
    outcomes = _race(
        tenant,
        lambda: records.deal_update(actor=owner, deal=stale_a, data={"amount": "250", "custom": {"budget_code": "B-7"}}),
        lambda: records.deal_update(actor=owner, deal=stale_b, data={"expected_close_date": "2027-01-31",
                                                                     "custom": {"region": "华东"}}),
    )
    assert outcomes == ["saved", "saved"]
    with schema_context(tenant.schema_name):
        stored = Deal.objects.get(pk=deal.pk)
        assert (str(stored.amount), str(stored.expected_close_date)) == ("250.00", "2027-01-31")
        assert plain(stored.custom) == {"budget_code": "B-7", "region": "华东"}
        assert stored.version == deal.version + 2
        # each save's history names only its own fields, and the version it produced
        rows = FieldChange.objects.filter(entity="deal", record_id=deal.pk, record_version__gt=deal.version)
        by_version = {}
        for row in rows:
            by_version.setdefault(row.record_version, set()).add(row.field)
        assert sorted(by_version.values(), key=sorted) == sorted(
            [{"amount", "custom.budget_code"}, {"expected_close_date", "custom.region"}], key=sorted)


def test_a_save_that_names_the_version_it_read_is_refused_once_someone_else_saved(workspace):
    tenant, owner, deal = workspace
    read_version = deal.version
    outcomes = _race(
        tenant,
        lambda: records.deal_update(actor=owner, deal=deal.pk, data={"name": "First"}, version=read_version),
        lambda: records.deal_update(actor=owner, deal=deal.pk, data={"name": "Second"}, version=read_version),
    )
    # exactly one of the two wins; the other learns the record moved on and wrote nothing
    assert sorted(outcomes) == ["saved", "stale"]
    with schema_context(tenant.schema_name):
        stored = Deal.objects.get(pk=deal.pk)
        winner = "First" if outcomes[0] == "saved" else "Second"
        assert (stored.name, stored.version) == (winner, read_version + 1)
        assert FieldChange.objects.filter(entity="deal", record_id=deal.pk, field="name").count() == 2  # create + 1


def test_a_worker_and_a_person_moving_one_deal_at_once_leave_one_stage_history(workspace):
    tenant, owner, deal = workspace
    outcomes = _race(
        tenant,
        lambda: records.deal_move(actor=owner, deal=deal.pk, stage="needs_analysis"),
        lambda: records.deal_update(actor=owner, deal=deal.pk, data={"custom": {"budget_code": "B-9"}}),
    )
    assert outcomes == ["saved", "saved"]
    with schema_context(tenant.schema_name):
        stored = Deal.objects.get(pk=deal.pk)
        assert (stored.stage, plain(stored.custom)["budget_code"]) == ("needs_analysis", "B-9")
        assert list(stored.stage_changes.values_list("from_stage", "to_stage")) == [
            ("", "initial_contact"), ("initial_contact", "needs_analysis")]
