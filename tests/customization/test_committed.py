"""What needs real commits and other connections: concurrent unique values, the expression index that a filter
uses (EXPLAIN), and a version bump seen by another process (a real Celery worker).

Each test works in a fresh workspace made through the real signup and dropped afterwards.
"""

from __future__ import annotations

import copy
import secrets
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_tenants.utils import schema_context

from core.customization import services as config
from core.customization.current import current_version, default_document
from core.records import services as records
from core.records.models import Deal
from core.users.models import User
from tests.factories import PASSWORD, drop_workspace

pytestmark = pytest.mark.committed

CONTRACT = {"key": "contract_no", "type": "text", "label": {"zh-hans": "合同编号", "en": "Contract number"},
            "unique": True}
SEATS = {"key": "seats", "type": "integer", "label": {"zh-hans": "席位数", "en": "Seats"}, "indexed": True}


@pytest.fixture
def workspace(committed_db):
    from tenants.services import tenant_signup

    slug = f"cfg-{secrets.token_hex(3)}"
    try:
        tenant = tenant_signup(company_name="Config Proof Ltd", workspace=slug, name="Cy", email=f"owner@{slug}.test",
                               password=PASSWORD, language="en").tenant
        with schema_context(tenant.schema_name):
            owner = User.objects.get(email=f"owner@{slug}.test")
            account = records.account_create(actor=owner, data={"name": "Proof Co"})
        yield tenant, owner, account
    finally:
        connections.close_all()
        drop_workspace(slug)


def test_two_concurrent_creates_with_one_unique_value_leave_one_record(workspace):
    tenant, owner, account = workspace
    with schema_context(tenant.schema_name):
        document = default_document()
        document["custom_fields"] = {"deal": [copy.deepcopy(CONTRACT)]}
        config.config_save(actor=owner, document=document, base_version=0)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def create(n: int) -> None:
        try:
            with schema_context(tenant.schema_name):
                barrier.wait(timeout=10)
                records.deal_create(actor=owner, data={"name": f"D{n}", "account": account.pk,
                                                       "custom": {"contract_no": "HT-2026-001"}})
                outcomes.append("created")
        except ValidationError as error:
            outcomes.append(",".join(error.message_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "custom.contract_no", "custom.contract_no", "custom.contract_no"]
    with schema_context(tenant.schema_name):
        assert Deal.objects.filter(custom__contract_no="HT-2026-001").count() == 1
        # the uniqueness check reads an equality index, not the whole table (built after the save committed)
        from core.customization.indexes import existing_indexes
        from core.customization.records import _taken

        assert existing_indexes() == {"cfx_records_deal_contract_no__eq": True}
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            from django.db.models import Q

            qs = Deal.objects.filter(Q(custom__contract_no="HT-2026-001")).exclude(pk=0)
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
        assert "cfx_records_deal_contract_no__eq" in plan, plan
        assert _taken("deal", Deal(), "contract_no", "HT-2026-001")


def test_an_indexed_field_gets_an_expression_index_that_the_filter_uses(workspace):
    from core.customization.filtering import annotate_for_ordering, apply_custom_filters
    from core.customization.indexes import existing_indexes, sync_indexes

    tenant, owner, _account = workspace
    with schema_context(tenant.schema_name):
        document = default_document()
        document["custom_fields"] = {"deal": [copy.deepcopy(SEATS)]}
        config.config_save(actor=owner, document=document, base_version=0)
        # the save queued the build after its commit (tasks run eagerly here); building again finds it there
        assert existing_indexes() == {"cfx_records_deal_seats": True}
        assert sync_indexes() == []
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # a tiny table: ask whether the index *can* serve it
            qs = apply_custom_filters(Deal.objects.all(), "deal", {"custom.seats__gte": "10"}, role="owner")
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            ordered = annotate_for_ordering(Deal.objects.all(), "deal", "custom.seats", role="owner") \
                .order_by("cf__seats")[:50]
            sql, params = ordered.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            order_plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
        assert "cfx_records_deal_seats" in plan, plan
        assert "cfx_records_deal_seats" in order_plan, order_plan
        # the index lives in this workspace's schema only
        with connection.cursor() as cursor:
            cursor.execute("SELECT schemaname FROM pg_indexes WHERE indexname = 'cfx_records_deal_seats'")
            assert [row[0] for row in cursor.fetchall()] == [tenant.schema_name]
        # no longer indexed: the index goes
        document["custom_fields"]["deal"][0]["indexed"] = False
        config.config_save(actor=owner, document=document, base_version=1)
        sync_indexes()
        assert existing_indexes() == {}


def test_a_version_bump_is_seen_by_another_process(workspace, celery_worker):
    from core.customization.tasks import config_version_in_force

    tenant, owner, _account = workspace
    with schema_context(tenant.schema_name):
        # the worker applies version 0 and keeps its compiled form cached
        assert config_version_in_force.delay().get(timeout=30) == 0
        document = default_document()
        document["custom_fields"] = {"deal": [copy.deepcopy(CONTRACT)]}
        config.config_save(actor=owner, document=document, base_version=0)
        # its next task applies version 1, saved by this process
        assert config_version_in_force.delay().get(timeout=30) == 1


@pytest.mark.parametrize("preset", ["saas-subscriptions"])
def test_signup_with_a_preset_starts_from_it(committed_db, preset):
    from core.customization.current import current_config
    from core.customization.schema import load_preset
    from tenants.services import tenant_signup

    slug = f"preset-{secrets.token_hex(3)}"
    try:
        tenant = tenant_signup(company_name="Preset Ltd", workspace=slug, name="Pre", email=f"owner@{slug}.test",
                               password=PASSWORD, language="zh-hans", preset=preset).tenant
        with schema_context(tenant.schema_name):
            assert current_version() == 1
            assert current_config().document == load_preset(preset)
            assert {p.key for p in current_config().pipelines.values()} == {
                p["key"] for p in load_preset(preset)["pipelines"]}
    finally:
        connections.close_all()
        drop_workspace(slug)


def test_signup_refuses_an_unknown_preset_and_leaves_nothing(committed_db):
    from tenants.models import Tenant
    from tenants.services import tenant_signup

    with pytest.raises(ValidationError) as refused:
        tenant_signup(company_name="Nope Ltd", workspace="preset-nope", name="N", email="owner@nope.test",
                      password=PASSWORD, language="en", preset="space-agency")
    assert set(refused.value.message_dict) == {"preset"}
    assert not Tenant.objects.filter(slug="preset-nope").exists()


READER = """
import os, sys
import django
django.setup()
from django.core.signals import request_started
from django_tenants.utils import schema_context
from core.customization.current import current_config
for _line in sys.stdin:
    request_started.send(sender=None)  # what every web request does first
    with schema_context(sys.argv[1]):
        config = current_config()
        print(config.number, ",".join(f.key for f in config.fields("deal").fields), flush=True)
"""


def test_a_version_bump_is_seen_by_another_os_process(workspace):
    """A separate Python process (its own compiled cache) answers with the new version at its next request."""
    import os
    import subprocess
    import sys
    from urllib.parse import urlsplit, urlunsplit

    tenant, owner, _account = workspace
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guanxi.settings_test",
           "DATABASE_URL": urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))}
    reader = subprocess.Popen([sys.executable, "-c", READER, tenant.schema_name], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        def ask() -> str:
            reader.stdin.write("?\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip()

        assert ask() == "0"
        with schema_context(tenant.schema_name):
            document = default_document()
            document["custom_fields"] = {"deal": [copy.deepcopy(CONTRACT)]}
            config.config_save(actor=owner, document=document, base_version=0)
        assert ask() == "1 contract_no"
    finally:
        reader.kill()
        reader.communicate(timeout=10)
