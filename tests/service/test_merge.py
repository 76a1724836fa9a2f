"""Merging accounts carries their tickets to the survivor."""

import pytest

from core.records import selectors as record_selectors
from core.records import services as records
from core.records.merge_hooks import move_related
from core.service.models import Ticket
from tests.service.conftest import open_ticket


def test_merge_hook_moves_tickets_and_counts_them(team, accounts):
    # given two tickets on the account that will be merged away, one on the survivor
    survivor, other = accounts["member"], accounts["member2"]
    moved = [open_ticket(team.support, other), open_ticket(team.support, other)]
    stays = open_ticket(team.support, survivor)
    # when the merge moves related records
    counts = move_related(from_account=other, to_account=survivor)
    # then every ticket hangs under the survivor, and the merge is told how many moved
    assert counts["tickets"] == 2
    assert set(Ticket.objects.filter(account=survivor).values_list("pk", flat=True)) == {
        moved[0].pk, moved[1].pk, stays.pk}
    assert Ticket.objects.filter(account=other).count() == 0


@pytest.mark.xfail(strict=True, raises=ValueError,
                   reason="account_merge passes its `moved` counts dict to audit_record as if it were an "
                          "(old, new) pair; it fails as soon as more than two kinds of records move")
def test_merge_moves_tickets_to_the_survivor(team, accounts):
    # given two tickets on the account that will be merged away
    survivor, other = accounts["member"], accounts["member2"]
    moved = [open_ticket(team.support, other), open_ticket(team.support, other)]
    # when an admin merges the accounts
    records.account_merge(actor=team.admin, survivor=survivor, other=other)
    # then the tickets hang under the survivor, which support reads; the merged account is gone from view
    assert set(Ticket.objects.filter(account=survivor).values_list("pk", flat=True)) == {m.pk for m in moved}
    assert set(record_selectors.accounts(actor=team.support).values_list("name", flat=True)) == {"Member Co"}
