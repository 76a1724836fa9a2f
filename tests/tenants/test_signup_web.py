"""Signup through the browser form on the public site (HTML over HTTP)."""

from urllib.parse import urlparse

from django.test import Client

from tenants.models import Tenant

FORM = {
    "company_name": "Acme Trading",
    "workspace": "acme-web",
    "name": "Ann Lee",
    "email": "ann@acme.test",
    "password": "Harbour-lights-42",
    "language": "en",
}


def test_landing_page_shows_plans_and_signup(public_client):
    response = public_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-plan="standard"' in html
    assert 'data-plan="professional"' in html
    assert 'href="/signup/"' in html


def test_signup_form_creates_workspace_and_logs_owner_in_on_its_host(public_client):
    response = public_client.post("/signup/", FORM)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.hostname == "acme-web.localhost"
    assert target.path.startswith("/auth/handoff/")
    tenant = Tenant.objects.get(slug="acme-web")
    # the one-time link logs the owner in on the workspace host
    workspace = Client(HTTP_HOST="acme-web.localhost")
    landed = workspace.get(target.path, follow=True)
    assert landed.status_code == 200
    assert landed.context["user"].email == "ann@acme.test"
    assert landed.context["user"].role == "owner"
    assert landed.context["workspace"].pk == tenant.pk
    # and works only once
    workspace.post("/logout/")
    again = workspace.get(target.path)
    assert again.status_code == 302
    assert again["Location"] == "/login/"


def test_signup_form_shows_each_error_next_to_its_field_and_keeps_input(public_client):
    response = public_client.post("/signup/", {**FORM, "workspace": "Bad_Name", "email": "nope"})
    assert response.status_code == 400
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["workspace"]] == ["lowercase"]
    assert [e.code for e in form.errors.as_data()["email"]] == ["invalid"]
    html = response.content.decode()
    assert 'data-error-for="workspace"' in html
    assert 'value="Acme Trading"' in html  # what was typed is kept
    assert 'value="Bad_Name"' in html
    assert not Tenant.objects.filter(slug__in=["bad_name", "bad-name"]).exists()


def test_signup_form_answers_in_the_chosen_language(public_client):
    response = public_client.post("/signup/", {**FORM, "workspace": "www", "language": "zh-hans"},
                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode().count('lang="zh-hans"') == 1
    assert "保留" in response.context["form"].errors["workspace"][0]


def test_signup_with_taken_address_says_so(public_client):
    response = public_client.post("/signup/", {**FORM, "workspace": "alpha"})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["workspace"]] == ["taken"]
