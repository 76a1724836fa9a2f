"""The scoped base view cannot be bypassed, and the OpenAPI document describes the API."""

import pytest

from core.api.base import ScopedGenericAPIView, ScopedQuerysetError


def test_overriding_get_queryset_is_refused_at_class_definition():
    with pytest.raises(ScopedQuerysetError):
        type("Leaky", (ScopedGenericAPIView,), {"get_queryset": lambda self: None})
    with pytest.raises(ScopedQuerysetError):
        type("Leaky2", (ScopedGenericAPIView,), {"get_object": lambda self: None})


def test_openapi_document_and_docs_page(api_alpha):
    from tests.factories import PASSWORD, WORKSPACES

    # the schema is public documentation of the API shape; data still needs auth
    token = api_alpha.post("/api/v1/auth/token", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD},
                           format="json").json()["token"]
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api_alpha.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import json

    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    for path in ["/api/v1/me", "/api/v1/users", "/api/v1/users/{id}", "/api/v1/invitations", "/api/v1/auth/token",
                 "/api/v1/tokens", "/api/v1/tokens/{id}"]:
        assert path in document["paths"], path
    assert api_alpha.get("/api/v1/docs/").status_code == 200
