"""A new password ends what the old one opened, and reset emails cannot be requested without limit.

Whoever learnt the old password may hold API tokens or sessions: changing the password revokes every
token and ends every other session (the browser that changed it stays logged in); a reset by email
ends them all. Reset requests are limited per client address and per email typed, counted before the
email is looked up, so an address without a login gets the same answers.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.audit.models import AuditEntry
from core.users import services
from core.users.models import ApiToken, User
from core.users.views import RESET_PER_ADDRESS, RESET_PER_EMAIL
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "Brand-new-secret-9"
LIMITED = "密码重置请求过多。请等待一小时后再试。"


@pytest.fixture
def member(alpha):
    return make_user(alpha, email="pw@alpha.test", name="Pass Word")


def browser(address: str = "203.0.113.1") -> Client:
    return Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR=address)


def logged_in_browser(email: str) -> Client:
    client = browser()
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def tokens_of(alpha, user: User, n: int) -> list[str]:
    with schema_context(alpha.schema_name):
        return [services.api_token_create(user=user, name=f"script {i}").raw for i in range(n)]


def works(raw: str) -> bool:
    response = APIClient(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def is_logged_in(client: Client) -> bool:
    return client.get("/home/").status_code == 200


def reset_link(client: Client, email: str) -> str:
    mail.outbox.clear()
    assert client.post("/password/reset/", {"email": email}).status_code == 302
    [message] = mail.outbox
    return re.search(r"http://alpha\.localhost(/password/reset/[^\s]+/)", message.body).group(1)


# --- changing and resetting end the old credentials ----------------------------------------------------

def test_changing_the_password_revokes_tokens_and_other_sessions_but_keeps_this_one(alpha, member):
    here, elsewhere = logged_in_browser(member.email), logged_in_browser(member.email)
    raw = tokens_of(alpha, member, 2)
    response = here.post("/settings/", {"form": "password", "current_password": PASSWORD,
                                        "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert [works(token) for token in raw] == [False, False]
    with schema_context(alpha.schema_name):
        assert not ApiToken.objects.filter(user=member, revoked_at__isnull=True).exists()
        [entry] = AuditEntry.objects.filter(action="password_changed")
        assert (entry.actor_id, entry.record_id, entry.changes) == (member.pk, member.pk,
                                                                    {"revoked_tokens": [None, 2]})


def test_a_refused_change_revokes_nothing(alpha, member):
    here, elsewhere = logged_in_browser(member.email), logged_in_browser(member.email)
    [raw] = tokens_of(alpha, member, 1)
    response = here.post("/settings/", {"form": "password", "current_password": "wrong",
                                        "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert is_logged_in(here) and is_logged_in(elsewhere) and works(raw)
    with schema_context(alpha.schema_name):
        assert User.objects.get(pk=member.pk).check_password(PASSWORD)
        assert not AuditEntry.objects.filter(action="password_changed").exists()


def test_a_change_over_the_api_keeps_only_the_token_it_came_with(alpha, member):
    current, other = tokens_of(alpha, member, 2)
    elsewhere = logged_in_browser(member.email)
    api = APIClient(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Bearer {current}")
    response = api.post("/api/v1/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                        format="json")
    assert response.status_code == 204, response.content
    assert (works(current), works(other)) == (True, False)
    assert not is_logged_in(elsewhere)


def test_a_reset_by_email_revokes_every_token_and_session(alpha, member):
    session = logged_in_browser(member.email)
    raw = tokens_of(alpha, member, 2)
    resetting = browser("198.51.100.9")
    link = reset_link(resetting, member.email)
    form_page = resetting.get(link, follow=True)
    done = resetting.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                            "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/password/reset/complete/"
    assert not is_logged_in(session)
    assert [works(token) for token in raw] == [False, False]
    with schema_context(alpha.schema_name):
        assert User.objects.get(pk=member.pk).check_password(NEW_PASSWORD)
        [entry] = AuditEntry.objects.filter(action="password_reset")
        assert (entry.record_id, entry.ip, entry.changes) == (member.pk, "198.51.100.9", {"revoked_tokens": [None, 2]})


# --- reset requests are limited ---------------------------------------------------------------------------

def test_reset_requests_are_limited_per_client_address(alpha, member):
    client = browser("198.51.100.20")
    mail.outbox.clear()
    for n in range(RESET_PER_ADDRESS):
        assert client.post("/password/reset/", {"email": f"someone{n}@alpha.test"}).status_code == 302
    blocked = client.post("/password/reset/", {"email": member.email})
    assert blocked.status_code == 429
    assert blocked.context["form"].non_field_errors() == [LIMITED]
    assert LIMITED in blocked.content.decode()
    assert mail.outbox == []  # nobody of those had a login; the member gets nothing either
    assert browser("198.51.100.21").post("/password/reset/", {"email": member.email}).status_code == 302
    assert [m.to for m in mail.outbox] == [[member.email]]


@pytest.mark.parametrize("known", [True, False])
def test_reset_requests_are_limited_per_email_and_look_the_same_for_unknown_ones(alpha, member, known):
    email = member.email if known else "nobody@alpha.test"
    mail.outbox.clear()
    for n in range(RESET_PER_EMAIL):
        assert browser(f"198.51.100.{30 + n}").post("/password/reset/", {"email": email}).status_code == 302
    assert len(mail.outbox) == (RESET_PER_EMAIL if known else 0)
    blocked = browser("198.51.100.99").post("/password/reset/", {"email": email.upper()})
    assert blocked.status_code == 429
    assert blocked.context["form"].non_field_errors() == [LIMITED]
    assert len(mail.outbox) == (RESET_PER_EMAIL if known else 0)
