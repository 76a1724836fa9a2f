"""Liveness and readiness on the public host and on workspace hosts."""

import pytest


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_healthz_and_readyz(db, client, host):
    assert client.get("/healthz", HTTP_HOST=host).json() == {"status": "ok"}
    ready = client.get("/readyz", HTTP_HOST=host)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "template": "ok"}}


def test_unknown_host_is_a_404_page(db, client):
    response = client.get("/", HTTP_HOST="nosuchworkspace.localhost")
    assert response.status_code == 404
    assert b"nosuchworkspace.localhost" in response.content


def test_unknown_host_under_api_answers_in_the_json_error_shape(db, client):
    response = client.get("/api/v1/me", HTTP_HOST="nosuchworkspace.localhost")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
