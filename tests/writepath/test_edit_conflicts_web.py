"""The web form notices that someone else saved meanwhile, shows what changed, and overwrites only when asked."""

from __future__ import annotations

from django.test import Client
from django_tenants.utils import schema_context

from core.records import services as records
from core.records.models import Account
from tests.factories import PASSWORD


def _login(user) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _form_values(response) -> dict[str, str]:
    """What the browser would post back unchanged: every input's shown value."""
    form = response.context["form"]
    return {field.html_name: "" if field.value() is None else str(field.value()) for field in form
            if not field.field.disabled}


def test_an_edit_saved_after_someone_else_shows_their_change_and_keeps_the_input(team, alpha):
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.member, data={"name": "Conflict Co", "city": "杭州"})
    client = _login(team.member)
    # given the member opens the edit form (version 1) …
    page = client.get(f"/accounts/{account.pk}/edit/")
    assert page.status_code == 200
    opened = _form_values(page)
    assert opened["version"] == "1"
    # … and meanwhile the owner changes the city
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.owner, account=account.pk, data={"city": "苏州"})
    # when the member saves the form with a new industry
    response = client.post(f"/accounts/{account.pk}/edit/", {**opened, "industry": "教育", "version": "1"})
    # then nothing is overwritten: the form comes back with the owner's change listed and the input kept
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="conflict"' in html and 'data-field="city"' in html and "苏州" in html
    assert 'value="教育"' in html
    with schema_context(alpha.schema_name):
        assert Account.objects.values_list("city", "industry", "version").get(pk=account.pk) == ("苏州", "", 2)
    # and saving again (now at the current version) keeps the member's value and the owner's city
    again = _form_values(response)
    assert again["version"] == "2"
    saved = client.post(f"/accounts/{account.pk}/edit/", {**again, "industry": "教育"})
    assert saved.status_code == 302
    with schema_context(alpha.schema_name):
        assert Account.objects.values_list("city", "industry", "version").get(pk=account.pk) == ("苏州", "教育", 3)


def test_a_changed_field_the_reader_may_not_see_is_not_listed(team, alpha):
    """Finance changes nothing here; a manager's hidden custom field change must not show to a member."""
    import copy

    from core.customization import services as config
    from core.customization.current import current_version, default_document
    from tests.writepath.conftest import FIELDS

    with schema_context(alpha.schema_name):
        document = default_document()
        document["custom_fields"] = copy.deepcopy(FIELDS)
        config.config_save(actor=team.owner, document=document, base_version=current_version())
        account = records.account_create(actor=team.member, data={"name": "Quiet Co"})
    client = _login(team.member)
    opened = _form_values(client.get(f"/accounts/{account.pk}/edit/"))
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.owner, account=account.pk, data={"custom": {"credit_limit": "500万"}})
    html = client.post(f"/accounts/{account.pk}/edit/", {**opened, "industry": "教育"}).content.decode()
    assert 'data-testid="conflict"' in html
    assert "credit_limit" not in html and "500万" not in html


def test_a_field_both_changed_keeps_the_users_value_and_is_marked(team, alpha):
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.member, data={"name": "Both Co", "city": "杭州"})
    client = _login(team.member)
    opened = _form_values(client.get(f"/accounts/{account.pk}/edit/"))
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.owner, account=account.pk, data={"city": "苏州"})
    response = client.post(f"/accounts/{account.pk}/edit/", {**opened, "city": "南京"})
    form = response.context["form"]
    assert form.conflicting == {"city"}
    assert form["city"].value() == "南京"  # the user's own choice stays; saving again keeps it deliberately
    assert client.post(f"/accounts/{account.pk}/edit/", _form_values(response)).status_code == 302
    with schema_context(alpha.schema_name):
        assert Account.objects.values_list("city", flat=True).get(pk=account.pk) == "南京"
