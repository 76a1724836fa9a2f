"""Admins invite and create colleagues, change roles, deactivate; the last owner stays."""

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from core.users.models import Invitation, User
from tests.factories import PASSWORD, WORKSPACES, make_user


def _token(api, email, password=PASSWORD):
    response = api.post("/api/v1/auth/token", {"email": email, "password": password}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


@pytest.fixture
def owner_api(api_alpha):
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(api_alpha, WORKSPACES['alpha'].owner_email)}")
    return api_alpha


def test_admin_creates_user_with_initial_password_who_can_log_in(owner_api, alpha):
    response = owner_api.post("/api/v1/users", {"email": "Sales@Alpha.test", "name": "Sam Sales", "role": "member",
                                                "password": "Sales-start-2026"}, format="json")
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("email", "name", "role", "is_active")} == {
        "email": "sales@alpha.test", "name": "Sam Sales", "role": "member", "is_active": True}
    _token(owner_api, "sales@alpha.test", "Sales-start-2026")


def test_duplicate_email_is_a_409_conflict_naming_the_field(owner_api):
    response = owner_api.post("/api/v1/users", {"email": WORKSPACES["alpha"].owner_email, "name": "Dup",
                                                "role": "member", "password": "Sales-start-2026"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"
    assert [f["path"] for f in response.json()["error"]["fields"]] == ["email"]


@pytest.mark.parametrize("role", ["manager", "member", "support", "finance", "viewer"])
def test_non_admin_roles_cannot_create_users_and_nothing_is_created(api_alpha, alpha, role):
    make_user(alpha, role=role, email=f"{role}@alpha.test")
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(api_alpha, f'{role}@alpha.test')}")
    response = api_alpha.post("/api/v1/users", {"email": "sneaky@alpha.test", "name": "S", "role": "admin",
                                                "password": "Sneaky-pass-2026"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    with schema_context(alpha.schema_name):
        assert not User.objects.filter(email="sneaky@alpha.test").exists()


def test_admin_cannot_make_owners_but_owner_can(api_alpha, alpha):
    make_user(alpha, role="admin", email="admin@alpha.test")
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(api_alpha, 'admin@alpha.test')}")
    response = api_alpha.post("/api/v1/users", {"email": "o2@alpha.test", "name": "O", "role": "owner",
                                                "password": "Owner-two-2026"}, format="json")
    assert response.status_code == 403
    with schema_context(alpha.schema_name):
        assert not User.objects.filter(email="o2@alpha.test").exists()


def test_last_owner_cannot_be_demoted_or_deactivated(owner_api, alpha):
    with schema_context(alpha.schema_name):
        owner_id = User.objects.get(email=WORKSPACES["alpha"].owner_email).pk
    demote = owner_api.patch(f"/api/v1/users/{owner_id}", {"role": "admin"}, format="json")
    assert demote.status_code == 409
    assert demote.json()["error"]["code"] == "last_owner"
    deactivate = owner_api.patch(f"/api/v1/users/{owner_id}", {"is_active": False}, format="json")
    assert deactivate.status_code == 409
    with schema_context(alpha.schema_name):
        owner = User.objects.get(pk=owner_id)
        assert (owner.role, owner.is_active) == ("owner", True)


def test_with_a_second_owner_the_first_can_step_down(owner_api, alpha):
    second = make_user(alpha, role="owner", email="owner2@alpha.test")
    with schema_context(alpha.schema_name):
        owner_id = User.objects.get(email=WORKSPACES["alpha"].owner_email).pk
    response = owner_api.patch(f"/api/v1/users/{owner_id}", {"role": "admin"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert second.role == "owner"


def test_deactivated_user_cannot_log_in_and_tokens_stop_working(owner_api, api_alpha, alpha):
    member = make_user(alpha, role="member", email="leaver@alpha.test")
    from rest_framework.test import APIClient

    member_api = APIClient(HTTP_HOST="alpha.localhost")
    member_api.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(member_api, 'leaver@alpha.test')}")
    assert member_api.get("/api/v1/me").status_code == 200
    assert owner_api.patch(f"/api/v1/users/{member.pk}", {"is_active": False}, format="json").status_code == 200
    assert member_api.get("/api/v1/me").status_code == 401
    retry = APIClient(HTTP_HOST="alpha.localhost").post("/api/v1/auth/token", {"email": "leaver@alpha.test",
                                                                               "password": PASSWORD}, format="json")
    assert retry.status_code == 400
    assert retry.json()["error"]["code"] == "invalid_credentials"


def test_invitation_email_link_lets_the_colleague_join_once(owner_api, client_alpha, alpha,
                                                           django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/v1/invitations", {"email": "New.Hire@alpha.test", "role": "support"},
                                  format="json")
    assert response.status_code == 201
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.hire@alpha.test"]
    path = re.search(r"http://alpha\.localhost(/invite/[^\s]+/)", mail.outbox[0].body).group(1)
    joined = client_alpha.post(path, {"name": "New Hire", "password": "Joining-today-2026"})
    assert joined.status_code == 302
    assert client_alpha.get("/home/").context["user"].role == "support"
    with schema_context(alpha.schema_name):
        invitation = Invitation.objects.get(email="new.hire@alpha.test")
        assert invitation.accepted_at is not None and invitation.sent_at is not None
        assert User.objects.filter(email="new.hire@alpha.test").count() == 1
    # a second use is refused
    from django.test import Client

    again = Client(HTTP_HOST="alpha.localhost").post(path, {"name": "Again", "password": "Joining-today-2026"})
    assert again.status_code == 404


def test_team_page_is_for_admins_only(client_alpha, alpha):
    make_user(alpha, role="member", email="m@alpha.test")
    client_alpha.post("/login/", {"email": "m@alpha.test", "password": PASSWORD})
    assert client_alpha.get("/settings/team/").status_code == 403


def test_team_page_create_user_shows_service_errors_inline(client_alpha, alpha):
    client_alpha.post("/login/", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD})
    response = client_alpha.post("/settings/team/", {"create-name": "X", "create-email": "bad",
                                                     "create-role": "member", "create-password": "Fine-pass-2026"})
    assert response.status_code == 400
    assert [e.code for e in response.context["create"].errors.as_data()["email"]] == ["invalid"]
