"""Duplicates, merges of contacts, bulk reassignment and audited export."""

import csv
import io

from django_tenants.utils import schema_context

from core.audit.models import AuditEntry
from core.records.models import Account, Contact, Deal
from tests.records.conftest import api_for


def test_duplicates_reported_on_create_and_on_demand_without_revealing_hidden_ones(team, alpha):
    owner_api = api_for(team.owner)
    theirs = owner_api.post("/api/v1/accounts", {"name": "杭州示例科技有限公司", "owner": team.member2.pk,
                                                 "phones": ["13812345678"]}, format="json").json()
    mine = owner_api.post("/api/v1/accounts", {"name": "Other Co", "owner": team.member.pk,
                                               "emails": ["buy@shili.test"]}, format="json").json()
    member_api = api_for(team.member)
    created = member_api.post("/api/v1/accounts", {"name": "杭州示例科技", "phones": ["+86 138 1234 5678"],
                                                   "emails": ["BUY@shili.test"]}, format="json").json()
    # the member sees their own matching account and only a count of the one they may not see
    assert created["possible_duplicates"] == {"ids": [mine["id"]], "hidden": 1}
    on_demand = owner_api.get(f"/api/v1/accounts/{created['id']}/duplicates").json()
    assert sorted(m["id"] for m in on_demand["matches"]) == sorted([theirs["id"], mine["id"]])
    assert on_demand["hidden_matches"] == 0
    check = member_api.post("/api/v1/accounts/duplicates", {"name": "杭州示例科技股份有限公司"}, format="json").json()
    assert [m["id"] for m in check["matches"]] == [created["id"]]
    assert check["hidden_matches"] == 1


def test_contact_merge_moves_deals_and_keeps_a_pointer(team, alpha):
    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "Merge Co"}, format="json").json()
    first = owner_api.post("/api/v1/contacts", {"name": "Wang Wei", "account": account["id"],
                                                "emails": ["ww@merge.test"]}, format="json").json()
    second = owner_api.post("/api/v1/contacts", {"name": "王伟", "account": account["id"],
                                                 "phones": ["13900001111"], "emails": ["ww@merge.test"]},
                            format="json").json()
    deal = owner_api.post("/api/v1/deals", {"name": "Order", "account": account["id"], "contact": second["id"]},
                          format="json").json()
    assert [m["id"] for m in owner_api.get(f"/api/v1/contacts/{first['id']}/duplicates").json()["matches"]] == [
        second["id"]]
    merged = owner_api.post("/api/v1/contacts/merge", {"survivor": first["id"], "other": second["id"],
                                                       "choices": {"name": "other"}}, format="json")
    assert merged.status_code == 200, merged.content
    assert merged.json()["name"] == "王伟"
    assert merged.json()["phones"] == ["139****1111"]
    with schema_context(alpha.schema_name):
        assert Deal.objects.get(pk=deal["id"]).contact_id == first["id"]
        assert Contact.objects.get(pk=second["id"]).merged_into_id == first["id"]
    assert [c["id"] for c in owner_api.get("/api/v1/contacts").json()["results"]] == [first["id"]]
    denied = api_for(team.member).post("/api/v1/contacts/merge", {"survivor": first["id"], "other": second["id"]},
                                       format="json")
    assert denied.status_code in (400, 403, 404)


def test_bulk_reassignment_goes_through_the_write_path_all_or_nothing(team, alpha):
    owner_api = api_for(team.owner)
    ids = [owner_api.post("/api/v1/accounts", {"name": f"R{i}", "owner": team.member.pk}, format="json").json()["id"]
           for i in range(3)]
    done = owner_api.post("/api/v1/accounts/reassign", {"ids": ids, "owner": team.member2.pk}, format="json")
    assert done.json() == {"reassigned": 3}
    with schema_context(alpha.schema_name):
        assert set(Account.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {team.member2.pk}
        assert AuditEntry.objects.filter(action="update", record_id__in=ids, fields__contains=["owner"]).count() == 3
    # a member may not hand accounts to someone outside their team: nothing changes
    refused = api_for(team.member2).post("/api/v1/accounts/reassign", {"ids": ids, "owner": team.outsider.pk},
                                         format="json")
    assert refused.status_code == 400
    with schema_context(alpha.schema_name):
        assert set(Account.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {team.member2.pk}


def test_export_is_scoped_masked_and_audited(team, alpha):
    owner_api = api_for(team.owner)
    owner_api.post("/api/v1/accounts", {"name": "导出公司", "owner": team.member.pk, "phones": ["13812345678"]},
                   format="json")
    owner_api.post("/api/v1/accounts", {"name": "Hidden Co", "owner": team.outsider.pk}, format="json")
    response = api_for(team.member).get("/api/v1/accounts/export")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == ["导出公司"]
    assert rows[0]["phones"] == "138****5678"
    with schema_context(alpha.schema_name):
        entry = AuditEntry.objects.get(action="export", actor=team.member)
        assert entry.changes["rows"] == [None, 1]


def test_national_digits_of_stored_numbers_match_a_full_parse():
    """The fast path of phone_digits (country code read off the front) agrees with phonenumbers everywhere."""
    import phonenumbers

    from core.entities.normalize import phone_digits

    checked = 0
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            assert phone_digits(e164) == str(phonenumbers.parse(e164, None).national_number), e164
            checked += 1
    assert checked > 400
    assert phone_digits("+8613812345678") == "13812345678"
    assert phone_digits("138-1234-5678") == "13812345678"  # not E.164: digits as typed
