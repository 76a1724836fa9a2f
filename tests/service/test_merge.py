"""Merging accounts carries their tickets to the survivor."""

from core.audit.models import AuditEntry, FieldChange
from core.records import selectors as record_selectors
from core.records import services as records
from core.service.merges import move_with_account
from core.service.models import Ticket
from tests.service.conftest import open_ticket


def test_merge_hook_moves_tickets_and_counts_them(team, accounts):
    # given two tickets on the account that will be merged away, one on the survivor
    survivor, other = accounts["member"], accounts["member2"]
    moved = [open_ticket(team.support, other), open_ticket(team.support, other)]
    stays = open_ticket(team.support, survivor)
    # when the merge moves related records
    counts = move_with_account(actor=team.admin, from_record=other, to_record=survivor)
    # then every ticket hangs under the survivor, and the merge is told how many moved
    assert counts["tickets"] == 2
    assert set(Ticket.objects.filter(account=survivor).values_list("pk", flat=True)) == {
        moved[0].pk, moved[1].pk, stays.pk}
    assert Ticket.objects.filter(account=other).count() == 0
    # and each moved ticket's history names the account it left
    assert sorted(FieldChange.objects.filter(entity="ticket", field="account", new_value=survivor.pk,
                                             record_id__in=[m.pk for m in moved])
                  .values_list("record_id", "old_value")) == [
        (moved[0].pk, other.pk), (moved[1].pk, other.pk)]


def test_merge_moves_tickets_to_the_survivor(team, accounts):
    # given two tickets on the account that will be merged away
    survivor, other = accounts["member"], accounts["member2"]
    moved = [open_ticket(team.support, other), open_ticket(team.support, other)]
    # when an admin merges the accounts
    records.account_merge(actor=team.admin, survivor=survivor, other=other)
    # then the tickets hang under the survivor, and the merge's audit entry counts them
    assert set(Ticket.objects.filter(account=survivor).values_list("pk", flat=True)) == {m.pk for m in moved}
    entry = AuditEntry.objects.get(action="merge", entity="account", record_id=survivor.pk)
    assert entry.changes["moved"][1]["tickets"] == 2
    # and support, who read the merged account through its tickets, now reads the survivor only
    assert set(record_selectors.accounts(actor=team.support).values_list("name", flat=True)) == {"Member Co"}
