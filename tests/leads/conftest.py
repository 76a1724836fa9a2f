"""Fixtures for the leads tests: the records tests' team in workspace alpha, and a beta API client."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, WORKSPACES
from tests.records.conftest import Team, api_for, in_alpha, team  # noqa: F401  (fixtures re-exported)


@pytest.fixture
def beta_owner_api(beta) -> APIClient:
    """The owner of workspace beta, authenticated on beta's host: alpha's ids must mean nothing to it."""
    client = APIClient(HTTP_HOST="beta.localhost")
    response = client.post("/api/v1/auth/token", {"email": WORKSPACES["beta"].owner_email, "password": PASSWORD},
                           format="json")
    assert response.status_code == 201, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client
