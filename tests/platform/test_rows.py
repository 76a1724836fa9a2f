"""The hand-written lookups of every request build the same objects the ORM would."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from core.users.authentication import _active_token
from core.users.models import ApiToken, User
from core.users.services import api_token_create, api_token_revoke
from guanxi import rows
from tenants.middleware import WorkspaceMiddleware
from tenants.models import Domain, Tenant


def _same(loaded, reference) -> None:
    for field in type(reference)._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(reference, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(reference, field.attname)), field.name


def test_workspace_by_host_equals_the_orm(alpha):
    connection.set_schema_to_public()
    Tenant.objects.filter(pk=alpha.pk).update(usage={"seats": 3, "accounts": 12})
    loaded = WorkspaceMiddleware(lambda request: None).get_tenant(Domain, "alpha.localhost")
    reference = Domain.objects.select_related("tenant").get(domain="alpha.localhost").tenant
    _same(loaded, reference)
    assert loaded.usage == {"seats": 3, "accounts": 12}  # the JSON converter ran
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_an_unknown_host_is_no_workspace(alpha):
    import pytest

    connection.set_schema_to_public()
    with pytest.raises(Domain.DoesNotExist):
        WorkspaceMiddleware(lambda request: None).get_tenant(Domain, "nobody.localhost")


def test_token_lookup_equals_the_orm_and_ignores_revoked_tokens(alpha):
    with schema_context(alpha.schema_name):
        user = User.objects.order_by("pk").first()
        created = api_token_create(user=user, name="rows")
        loaded = _active_token(created.raw)
        reference = ApiToken.objects.select_related("user").get(pk=created.token.pk)
        _same(loaded, reference)
        _same(loaded.user, reference.user)
        assert _active_token(created.raw + "x") is None
        api_token_revoke(user=user, token=created.token)
        assert _active_token(created.raw) is None


def test_columns_and_width_follow_the_model():
    assert rows.width(Tenant) == len(Tenant._meta.concrete_fields)
    assert rows.columns(Tenant, "t").count("t.") == rows.width(Tenant)
