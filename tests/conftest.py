"""Session-wide test set-up: one real PostgreSQL (embedded or DATABASE_URL), migrated once, with two
workspaces — alpha and beta — created once through the real signup and reused by every test.

Most tests use pytest-django's `db` fixture: each test runs in a transaction that is rolled back, so
anything a test creates (users, even whole workspaces) disappears. Tests that need data committed —
threads racing, a Celery worker, a browser talking to a live server — use `committed_db` and remove
what they made with `drop_workspace`.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import WORKSPACES, drop_workspace, ensure_workspace

pytest_plugins = ["tests.browser_fixtures", "tests.celery_fixtures", "tests.plugin_fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    """pytest-django's own fixture creates the test database only when a selected test asks for `db`;
    ours always creates it, so tests that commit (`committed_db`, the live server) never touch the
    development database."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                 aliases={"default"}, serialized_aliases=set(), keepdb=django_db_keepdb)
        assert connection.settings_dict["NAME"].startswith("test_")
        call_command("migrate_platform", verbosity=0)
        for spec in WORKSPACES.values():
            ensure_workspace(spec)
        connection.set_schema_to_public()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            from django.db import connections

            with connection.cursor() as cursor:  # live-server and worker threads may still hold sessions
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            connections.close_all()
            try:
                teardown_databases(db_cfg, verbosity=request.config.option.verbose)
            except Exception as error:  # live-server threads may still hold a connection
                request.node.warn(pytest.PytestWarning(f"test database not dropped: {error!r}"))


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(settings):
    """Every test starts in the public schema with an empty cache (throttle counters)."""
    from core.customization.current import forget

    settings.EMAIL_BACKEND = "core.web.mail.CeleryEmailBackend"
    cache.clear()
    forget()  # the configuration version in force is read again (each test's transaction is rolled back)
    yield
    connection.set_schema_to_public()
    cache.clear()
    forget()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Real commits, visible to other connections; the test must clean up (see drop_workspace)."""
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_"), f"refusing to commit test data into {name!r}"
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def alpha(db):
    from tenants.models import Tenant

    return Tenant.objects.get(slug="alpha")


@pytest.fixture
def beta(db):
    from tenants.models import Tenant

    return Tenant.objects.get(slug="beta")


def _host(slug: str) -> str:
    return f"{slug}.localhost"


@pytest.fixture
def public_client(db) -> Client:
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def public_api(db) -> APIClient:
    return APIClient(HTTP_HOST="localhost")


@pytest.fixture
def client_alpha(alpha) -> Client:
    return Client(HTTP_HOST=_host("alpha"))


@pytest.fixture
def client_beta(beta) -> Client:
    return Client(HTTP_HOST=_host("beta"))


@pytest.fixture
def api_alpha(alpha) -> APIClient:
    return APIClient(HTTP_HOST=_host("alpha"))


@pytest.fixture
def api_beta(beta) -> APIClient:
    return APIClient(HTTP_HOST=_host("beta"))


__all__ = ["drop_workspace"]
