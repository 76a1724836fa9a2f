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
