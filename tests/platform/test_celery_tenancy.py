"""A real Celery worker runs each task in the schema of the workspace that queued it."""

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.users.models import ApiToken, Invitation
from tenants.models import Tenant
from tenants.tasks import record_schema
from tests.celery_fixtures import wait_for
from tests.factories import PASSWORD, WORKSPACES


@pytest.mark.committed
def test_task_queued_in_alpha_request_runs_in_alpha_schema(celery_worker):
    alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
    mail.outbox.clear()
    api = APIClient(HTTP_HOST="alpha.localhost")
    token = api.post("/api/v1/auth/token", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD},
                     format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    try:
        # when alpha's admin invites someone, the email task is queued inside alpha's request
        response = api.post("/api/v1/invitations", {"email": "worker-proof@alpha.test", "role": "member"},
                            format="json")
        assert response.status_code == 201
        # then the worker sends it from alpha's schema, where the invitation row lives
        wait_for(lambda: [m for m in mail.outbox if m.to == ["worker-proof@alpha.test"]])
        with schema_context(alpha.schema_name):
            sent = wait_for(lambda: Invitation.objects.filter(email="worker-proof@alpha.test",
                                                              sent_at__isnull=False).first())
        assert WORKSPACES["alpha"].company in mail.outbox[-1].subject or WORKSPACES["alpha"].company in \
            mail.outbox[-1].body
        with schema_context(beta.schema_name):
            assert not Invitation.objects.filter(pk=sent.pk, sent_at__isnull=False).exclude(
                email="worker-proof@alpha.test").exists()
    finally:
        with schema_context(alpha.schema_name):
            Invitation.objects.filter(email="worker-proof@alpha.test").delete()
            ApiToken.objects.filter(digest=ApiToken.digest_of(token)).delete()
        connection.set_schema_to_public()


@pytest.mark.committed
def test_task_runs_in_the_schema_it_was_sent_from_never_another(celery_worker):
    alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
    with schema_context(alpha.schema_name):
        from_alpha = record_schema.delay()
    with schema_context(beta.schema_name):
        from_beta = record_schema.delay()
    from_public = record_schema.delay()
    assert from_alpha.get(timeout=15) == alpha.schema_name
    assert from_beta.get(timeout=15) == beta.schema_name
    assert from_public.get(timeout=15) == "public"
