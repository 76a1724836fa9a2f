"""Property-based fuzzing of every operation of the OpenAPI document (schemathesis, in-process WSGI).

Valid and invalid requests are generated from the document itself and sent to the workspace host as
the owner (full access) and as a member and a viewer (restricted). Every answer must be no server
error, and its status code, content type and body must be the ones the document declares.

A few records of every kind exist, and path ids are drawn from them as well as from the whole integer
range, so detail and action endpoints see real rows. Each example runs in a savepoint that is rolled
back: every example starts from the same data, and a derandomized run is reproducible.
`GUANXI_FUZZ_EXAMPLES=500` fuzzes much longer with fresh randomness (docs/development.md).
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from tests.factories import PASSWORD, WORKSPACES, make_user

LONG_EXAMPLES = int(os.environ.get("GUANXI_FUZZ_EXAMPLES", "0") or 0)
# examples per operation and generation mode (valid, invalid) for each role: about a minute in all
EXAMPLES = {"owner": 6, "member": 3, "viewer": 3}
REQUESTS_PER_TRANSACTION = 1000  # PostgreSQL's lock table is finite (max_locks_per_transaction)
HOST = "alpha.localhost"
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")


class _ServerLog(logging.Handler):
    """The server-side tracebacks of the current request, for the failure report."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join("".join(traceback.format_exception(*r.exc_info)[-4:]) if r.exc_info else r.getMessage()
                         for r in self.records)


@contextmanager
def _on_test_connection():
    """Like Django's test client: no per-request closing of connections (it would end the test's
    transaction), and a savepoint rolled back after the request so each example sees the same data."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _authorization(email: str) -> str:
    response = APIClient(HTTP_HOST=HOST).post("/api/v1/auth/token", {"email": email, "password": PASSWORD},
                                              format="json")
    assert response.status_code == 201, response.content
    return f"Bearer {response.json()['token']}"


def _seed(owner: APIClient, owner_id: int) -> dict[str, list[int]]:
    """One record of every kind, owned by `owner_id`, through the API: the ids path parameters draw from."""
    def made(path: str, body: dict) -> int:
        response = owner.post(f"/api/v1/{path}", body, format="json")
        assert response.status_code == 201, (path, response.content)
        return response.json()["id"]

    account = made("accounts", {"name": "Fuzz Co", "owner": owner_id, "phones": ["13812345678"]})
    contact = made("contacts", {"name": "Fuzz Person", "account": account, "owner": owner_id})
    deal = made("deals", {"name": "Fuzz deal", "account": account, "owner": owner_id, "amount": "100"})
    lead = made("leads", {"name": "Fuzz lead", "company": "Fuzz Lead Co", "owner": owner_id})
    ticket = made("tickets", {"account": account, "subject": "Fuzz ticket"})
    campaign = made("campaigns", {"name": "Fuzz campaign", "start_date": "2026-01-01", "owner": owner_id})
    ids = {
        "accounts": [account], "contacts": [contact], "deals": [deal], "leads": [lead], "tickets": [ticket],
        "campaigns": [campaign],
        "products": [made("products", {"name": "Fuzz product", "sku": "FUZZ-1", "unit_price": "9.90"})],
        "activities": [made("activities", {"kind": "call", "subject": "Fuzz call", "account": account})],
        "tasks": [made("tasks", {"title": "Fuzz task", "account": account, "assignee": owner_id})],
        "teams": [made("teams", {"name": "Fuzz team", "members": [owner_id]})],
        "users": [owner_id],
    }
    ids["tokens"] = [token["id"] for token in owner.get("/api/v1/tokens").json()["results"]]
    return ids


def _schema(known: dict[str, list[int]]) -> schemathesis.BaseSchema:
    """The workspace's OpenAPI document as schemathesis sees it; path ids are also drawn from `known`."""
    document = json.loads(APIClient(HTTP_HOST=HOST).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    config = schemathesis.Config.from_dict({
        "generation": {"deterministic": True, "with-security-parameters": False},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    })
    schema = schemathesis.openapi.from_dict(document, config=config)

    @schema.hook
    def before_generate_path_parameters(context, strategy):
        ids = known.get(context.operation.path.split("/")[3])
        if not ids or "{id}" not in context.operation.path:
            return strategy
        return st.one_of(strategy, st.sampled_from(ids).map(lambda pk: {"id": pk}))

    return schema


def _world(role: str) -> tuple[dict[str, list[int]], dict[str, str]]:
    """A user of `role` (the owner's records are the member's own), seeded records, its token header."""
    from tenants.models import Tenant

    alpha = Tenant.objects.get(slug="alpha")
    owner_email = WORKSPACES["alpha"].owner_email
    user = None if role == "owner" else make_user(alpha, role=role, email=f"fuzz-{role}@alpha.test")
    owner = APIClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION=_authorization(owner_email))
    ids = _seed(owner, user.pk if user and role != "viewer" else owner.get("/api/v1/me").json()["id"])
    return ids, {"Authorization": _authorization(user.email if user else owner_email)}


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_every_operation_answers_as_documented(role, committed_db):
    """Everything runs in transactions this test rolls back itself (nothing is committed): each write of a
    rolled-back savepoint keeps a lock until its transaction ends, so a long run starts a new one, with
    new seeded data, every REQUESTS_PER_TRANSACTION requests."""
    examples = LONG_EXAMPLES or EXAMPLES[role]
    known: dict[str, list[int]] = {}
    operations = [result.ok() for result in _schema(known).get_all_operations()]
    per_transaction = max(1, REQUESTS_PER_TRANSACTION // (2 * examples))
    app = WSGIHandler()
    server_log = _ServerLog()
    loggers = [logging.getLogger(name) for name in ("guanxi.api", "django.request")]
    for logger in loggers:
        logger.addHandler(server_log)
    failures: dict[tuple[str, str], str] = {}
    try:
        for first in range(0, len(operations), per_transaction):
            with transaction.atomic():
                ids, headers = _world(role)
                known.clear()
                known.update(ids)
                for operation in operations[first:first + per_transaction]:
                    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                        _fuzz(operation, mode, examples, app, headers, server_log, failures)
                transaction.set_rollback(True)
    finally:
        for logger in loggers:
            logger.removeHandler(server_log)
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures.values())


def _fuzz(operation, mode, examples, app, headers, server_log, failures) -> None:
    """Up to `examples` cases of `operation`; each distinct failure is kept with the first case showing it."""
    @settings(max_examples=examples, deadline=None, database=None, derandomize=not LONG_EXAMPLES,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        server_log.records.clear()
        with _on_test_connection():
            response = case.call(app=app, base_url=f"http://{HOST}", headers=headers)
        try:
            case.validate_response(response, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = (operation.label, failure.title)
                failures.setdefault(key, f"{operation.label} [{mode.value}] {group.message}\n{server_log.text()}")

    try:
        run()
    except Unsatisfiable:  # nothing of the operation can be made invalid (no parameters, no body)
        assert mode == GenerationMode.NEGATIVE
