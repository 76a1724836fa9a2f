"""Fixtures for records tests: a small team in workspace alpha, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.users.models import User
from tests.factories import PASSWORD, WORKSPACES, make_user


@dataclass
class Team:
    owner: User
    admin: User
    manager: User
    member: User
    member2: User
    outsider: User  # a member of no team
    support: User
    finance: User
    viewer: User


@pytest.fixture
def team(alpha) -> Team:
    from core.access.services import team_save

    people = {role: make_user(alpha, role=base, email=f"{role}@alpha.test", name=role.title())
              for role, base in [("admin", "admin"), ("manager", "manager"), ("member", "member"),
                                 ("member2", "member"), ("outsider", "member"), ("support", "support"),
                                 ("finance", "finance"), ("viewer", "viewer")]}
    connection.set_tenant(alpha)
    owner = User.objects.get(email=WORKSPACES["alpha"].owner_email)
    team_save(actor=owner, name="Sales East", manager_id=people["manager"].pk,
              member_ids=[people["member"].pk, people["member2"].pk])
    return Team(owner=owner, **people)


@pytest.fixture
def in_alpha(alpha):
    """Run the test body inside alpha's schema (services are called directly)."""
    with schema_context(alpha.schema_name):
        yield alpha


def api_for(user: User, host: str = "alpha.localhost") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(user=None)
    response = client.post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 201, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client
