"""Saving a view redirects only to our own list pages, whatever `path` a form or an attacker posts.

A crafted form on another site can post to /views/save/ in the victim's browser (the session cookie
is sent with top-level POSTs under SameSite=Lax); the answer's Location must never leave the workspace:
browsers read `/\\evil.com` as `//evil.com`.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.records.models import SavedView
from core.records.saved_views import LIST_PATHS
from tests.factories import PASSWORD

OFF_SITE = ["/\\evil.com", "//evil.com", "https://evil.com", "/%5Cevil.com", "/\\/evil.com", "http:/evil.com",
            "/accounts/\n", " /accounts/", "/accounts/../\\evil.com"]


@pytest.fixture
def member_client(team) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.member.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("path", OFF_SITE)
def test_an_unknown_path_is_refused_and_the_answer_stays_home(member_client, alpha, path):
    response = member_client.post("/views/save/", {"path": path, "name": "trap", "query": "q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    with schema_context(alpha.schema_name):
        assert not SavedView.objects.exists()


@pytest.mark.parametrize("path", sorted(LIST_PATHS))
def test_every_list_page_saves_and_redirects_to_itself(member_client, alpha, path):
    response = member_client.post("/views/save/", {"path": path, "name": "mine", "query": "q=x&after=9"})
    assert response.status_code == 302
    assert response["Location"] == f"{path}?q=x"
    with schema_context(alpha.schema_name):
        assert list(SavedView.objects.values_list("path", "query")) == [(path, "q=x")]
