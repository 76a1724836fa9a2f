"""Related records that follow an account when it is merged into another.

Apps that hang records under accounts (tickets, activities, tasks, campaigns…) add their move here,
so `account_merge` keeps every related record.
"""

from __future__ import annotations

from .models import Account


def move_related(*, from_account: Account, to_account: Account) -> dict[str, int]:
    from core.activities.services import activities_and_tasks_move

    moved: dict[str, int] = {}
    moved.update(activities_and_tasks_move(from_account=from_account, to_account=to_account))
    from core.service.models import Ticket

    moved["tickets"] = Ticket.objects.filter(account=from_account).update(account=to_account)
    return moved


def move_contact_related(*, from_contact, to_contact) -> dict[str, int]:
    """Activities, tickets and campaign memberships follow a merged contact to the survivor."""
    from core.activities.models import Activity, Task
    from core.campaigns.models import CampaignMember
    from core.service.models import Ticket

    moved = {
        "activities": Activity.objects.filter(contact=from_contact).update(contact=to_contact),
        "tickets": Ticket.objects.filter(contact=from_contact).update(contact=to_contact),
    }
    moved["tasks"] = Task.objects.filter(contact=from_contact).update(contact=to_contact)
    already = CampaignMember.objects.filter(contact=to_contact).values("campaign_id")
    CampaignMember.objects.filter(contact=from_contact, campaign_id__in=already).delete()
    moved["campaign_members"] = CampaignMember.objects.filter(contact=from_contact).update(contact=to_contact)
    return moved
