"""Logging in and out, and resetting a forgotten password by email."""

import re

from django.core import mail
from django_tenants.utils import schema_context

from core.users.models import User
from tests.factories import PASSWORD, WORKSPACES

OWNER = WORKSPACES["alpha"].owner_email


def test_login_with_right_password_then_logout(client_alpha):
    page = client_alpha.get("/login/")
    assert page.status_code == 200
    response = client_alpha.post("/login/", {"email": OWNER.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client_alpha.get("/home/").context["user"].email == OWNER
    client_alpha.post("/logout/")
    assert client_alpha.get("/home/")["Location"].startswith("/login/")


def test_wrong_password_is_refused_with_a_message(client_alpha):
    response = client_alpha.post("/login/", {"email": OWNER, "password": "wrong-password"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert client_alpha.get("/home/").status_code == 302


def test_login_of_one_workspace_does_not_exist_in_another(client_beta):
    response = client_beta.post("/login/", {"email": OWNER, "password": PASSWORD})
    assert response.status_code == 400


def test_next_parameter_cannot_redirect_to_another_host(client_alpha):
    response = client_alpha.post("/login/?next=http://evil.test/", {"email": OWNER, "password": PASSWORD})
    assert response["Location"] == "/"


def test_password_reset_by_email_link(client_alpha, alpha, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    response = client_alpha.post("/password/reset/", {"email": OWNER})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"http://alpha\.localhost(/password/reset/[^\s]+/)", body).group(1)
    form_page = client_alpha.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client_alpha.post(form_page.redirect_chain[-1][0], {"new_password1": "Brand-new-secret-9",
                                                               "new_password2": "Brand-new-secret-9"})
    assert done.status_code == 302
    with schema_context(alpha.schema_name):
        assert User.objects.get(email=OWNER).check_password("Brand-new-secret-9")
    # the link works once
    assert client_alpha.get(link, follow=True).context["validlink"] is False


def test_password_reset_for_unknown_email_sends_nothing_and_looks_the_same(client_alpha):
    mail.outbox.clear()
    response = client_alpha.post("/password/reset/", {"email": "nobody@alpha.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_web_login_is_rate_limited_per_client(client_alpha):
    for _ in range(20):
        client_alpha.post("/login/", {"email": OWNER, "password": "wrong"})
    blocked = client_alpha.post("/login/", {"email": OWNER, "password": PASSWORD})
    assert blocked.status_code == 429
    assert client_alpha.get("/home/").status_code == 302  # not logged in
