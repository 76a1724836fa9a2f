"""Lists build only the filters a request names — with the answers and errors of the whole FilterSet."""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict
from django_tenants.utils import schema_context

from core.api.filtering import _names_for, reduced
from core.records import services
from core.records.filters import AccountFilter, DealFilter
from core.records.models import Account
from tests.records.conftest import api_for


def test_names_cover_plain_and_suffixed_parameters():
    assert _names_for(AccountFilter, ["level", "q", "ordering", "page_size"]) == {"level"}
    assert _names_for(AccountFilter, ["created_after", "created_before"]) == {"created_after", "created_before"}
    assert _names_for(DealFilter, ["amount_min", "close_before", "stage_kind"]) == {
        "amount_min", "close_before", "stage_kind"}
    assert _names_for(AccountFilter, ["cursor", "custom.budget__gte"]) == frozenset()


@pytest.mark.parametrize("query", ["level=A", "level=A&status=active", "owner=0", "in_pool=true",
                                   "tag=vip", "province=浙江省&level=B", "created_after=2020-01-01T00:00:00Z"])
def test_the_reduced_filterset_filters_like_the_whole_one(team, in_alpha, query):
    for name, level, status, tags in [("A1", "A", "active", ["vip"]), ("A2", "A", "prospect", []),
                                      ("B1", "B", "active", ["vip"])]:
        services.account_create(actor=team.owner, data={"name": name, "level": level, "status": status,
                                                        "tags": tags, "province": "浙江省"})
    services.account_create(actor=team.owner, data={"name": "Pool", "owner": None})
    params = QueryDict(query)
    whole = AccountFilter(params, queryset=Account.objects.all())
    part = reduced(AccountFilter, _names_for(AccountFilter, params.keys()))(params, queryset=Account.objects.all())
    assert set(part.filters) < set(whole.filters)
    assert set(part.qs.values_list("pk", flat=True)) == set(whole.qs.values_list("pk", flat=True))


def test_a_bad_filter_value_is_still_a_field_error(team, alpha):
    api = api_for(team.owner)
    response = api.get("/api/v1/accounts?created_after=yesterday&level=A")
    assert response.status_code == 400
    assert "created_after" in json.dumps(response.json())
    assert api.get("/api/v1/deals?amount_min=lots").status_code == 400


def test_a_named_filter_filters_over_the_api_and_the_rest_are_ignored(team, alpha):
    api = api_for(team.owner)
    with schema_context(alpha.schema_name):
        a = services.account_create(actor=team.owner, data={"name": "Level A Co", "level": "A"})
        services.account_create(actor=team.owner, data={"name": "Level C Co", "level": "C"})
    ids = {row["id"] for row in api.get("/api/v1/accounts?level=A&page_size=200").json()["results"]}
    assert a.pk in ids and all(row["level"] == "A" for row in
                               api.get("/api/v1/accounts?level=A&page_size=200").json()["results"])
    assert len(api.get("/api/v1/accounts?page_size=200").json()["results"]) > len(ids)


def test_the_openapi_document_still_lists_every_filter(team, alpha):
    api = api_for(team.owner)
    document = json.loads(api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    names = {p["name"] for p in document["paths"]["/api/v1/accounts"]["get"]["parameters"]}
    assert set(AccountFilter.base_filters) <= names
