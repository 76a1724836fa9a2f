"""After a rolled-back transaction or savepoint, the next statement runs in the schema django-tenants
believes is current.

`SET search_path` is transactional in PostgreSQL: rolling back the transaction (or savepoint) that
issued it restores the earlier path. django-tenants issues it once per connection and schema
(TENANT_LIMIT_SET_CALLS) and caches what it set; if the cache outlived the rollback, the next query
would run in another workspace's schema — reading or writing the wrong company's data.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from core.users.models import User
from tests.factories import WORKSPACES

pytestmark = pytest.mark.committed


class Undo(Exception):
    """Raised to roll a block back."""


def where_queries_run() -> tuple[str, str]:
    """(the schema PostgreSQL resolves unqualified names in, the first entry of its search_path)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), current_setting('search_path')")
        schema, path = cursor.fetchone()
    return schema, path.split(",")[0].strip().strip('"')


def owners_seen() -> set[str]:
    """The workspace owners an ORM query finds in the schema it runs in."""
    return set(User.objects.filter(email__in=[spec.owner_email for spec in WORKSPACES.values()])
               .values_list("email", flat=True))


@pytest.fixture
def in_autocommit(committed_db):
    """Outside any transaction (so atomic() opens a real one), with alpha's path set for the session.
    Nothing is written: each test only switches schemas, reads and rolls back."""
    from tenants.models import Tenant

    assert connection.get_autocommit() and not connection.in_atomic_block
    connection.set_schema_to_public()
    alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
    connection.set_tenant(alpha)
    assert where_queries_run() == ("ws_alpha", "ws_alpha")  # SET in autocommit: it stays for the session
    yield alpha, beta
    connection.set_schema_to_public()


def test_a_switch_inside_a_rolled_back_transaction(in_autocommit):
    _alpha, beta = in_autocommit
    with pytest.raises(Undo), transaction.atomic():
        connection.set_tenant(beta)
        assert where_queries_run() == ("ws_beta", "ws_beta")  # the SET happened inside the transaction
        raise Undo
    # PostgreSQL restored alpha's path; django-tenants still has beta selected, so beta it must be
    assert connection.schema_name == "ws_beta"
    assert where_queries_run() == ("ws_beta", "ws_beta")
    assert owners_seen() == {WORKSPACES["beta"].owner_email}


def test_a_switch_inside_a_rolled_back_savepoint(in_autocommit):
    alpha, beta = in_autocommit
    with transaction.atomic():
        connection.set_tenant(alpha)
        assert where_queries_run() == ("ws_alpha", "ws_alpha")
        with pytest.raises(Undo), transaction.atomic():  # a savepoint
            connection.set_tenant(beta)
            assert where_queries_run() == ("ws_beta", "ws_beta")
            raise Undo
        assert connection.schema_name == "ws_beta"
        assert where_queries_run() == ("ws_beta", "ws_beta")
        assert owners_seen() == {WORKSPACES["beta"].owner_email}


def test_a_schema_context_left_inside_a_failed_savepoint(in_autocommit):
    """schema_context switches back on exit; the database error rolls the savepoint back after that."""
    _alpha, beta = in_autocommit
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(), schema_context(beta.schema_name):
            assert where_queries_run() == ("ws_beta", "ws_beta")
            User.objects.create(email=WORKSPACES["beta"].owner_email, name="Twin")  # unique email: fails
        assert connection.schema_name == "ws_alpha"
        assert where_queries_run() == ("ws_alpha", "ws_alpha")
        assert owners_seen() == {WORKSPACES["alpha"].owner_email}


def test_set_rollback_on_the_outer_block(in_autocommit):
    alpha, beta = in_autocommit
    with transaction.atomic():
        connection.set_tenant(beta)
        assert where_queries_run()[0] == "ws_beta"
        transaction.set_rollback(True)
    assert where_queries_run() == ("ws_beta", "ws_beta")
    with schema_context(alpha.schema_name):
        assert where_queries_run() == ("ws_alpha", "ws_alpha")
    assert where_queries_run() == ("ws_beta", "ws_beta")


def test_a_rolled_back_switch_back_to_the_public_schema(in_autocommit):
    _alpha, _beta = in_autocommit
    with pytest.raises(Undo), transaction.atomic():
        connection.set_schema_to_public()
        assert where_queries_run() == ("public", "public")
        raise Undo
    assert where_queries_run() == ("public", "public")
    assert owners_seen() == set()  # the public schema's users are provider staff
