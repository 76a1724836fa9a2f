"""Activities and tasks in the entity registry (called from ActivitiesConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.entities.registry import EntityType, registry
from core.users.roles import Role

from . import selectors
from .fields import ACTIVITY_FIELDS, TASK_FIELDS
from .models import Activity, Task


def register() -> None:
    from . import merges, panels

    panels.register_panels()

    registry.register(EntityType(
        key="activity", model=Activity, label=_("Activity"), label_plural=_("Activities"), fields=ACTIVITY_FIELDS,
        read=selectors.activities, write=selectors.writable_activities,
        may_create=lambda access: access.can_write() or access.role == Role.SUPPORT,
        title_field="subject", position=60))
    registry.register(EntityType(
        key="task", model=Task, label=_("Task"), label_plural=pgettext_lazy("entity", "Tasks"), fields=TASK_FIELDS,
        read=selectors.tasks, write=selectors.writable_tasks, may_create=lambda access: access.can_write(),
        title_field="title", customizable=False, position=90))
    registry.on_merge("account", merges.move_with_account)
    registry.on_merge("contact", merges.move_with_contact)
