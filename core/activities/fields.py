"""The built-in fields of the activities app's records: kind, label, limits (core.entities.fields.F).

Services clean every payload with these; the entity registry hands them to forms, the meta API,
history labels and the configuration's checks.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

from core.entities.fields import F

from .models import Activity

MAX_DURATION_MINUTES = 7 * 24 * 60  # a week-long trip is the longest visit anyone logs

ACTIVITY_FIELDS: dict[str, F] = {
    "kind": F("choice", gettext_lazy("Kind"), required=True, choices=Activity.Kind),
    "subject": F("text", gettext_lazy("Subject"), required=True, max_length=200),
    "body": F("longtext", gettext_lazy("Body"), max_length=20000),
    "occurred_at": F("datetime", gettext_lazy("Time")),
    "duration_minutes": F("int", gettext_lazy("Duration (minutes)"), min_value=0,
                          max_value=MAX_DURATION_MINUTES),
    "outcome": F("text", gettext_lazy("Outcome"), max_length=300),
    "author": F("fk", gettext_lazy("Author")),
    "account": F("fk", gettext_lazy("Account")),
    "contact": F("fk", gettext_lazy("Contact")),
    "deal": F("fk", gettext_lazy("Deal")),
    "lead": F("fk", gettext_lazy("Lead")),
    "ticket": F("fk", gettext_lazy("Ticket")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}


TASK_FIELDS: dict[str, F] = {
    "title": F("text", pgettext_lazy("task", "Title"), required=True, max_length=200),
    "description": F("longtext", gettext_lazy("Description"), max_length=20000),
    "due_at": F("datetime", gettext_lazy("Due")),
    "remind_at": F("datetime", gettext_lazy("Remind at")),
    "assignee": F("fk", gettext_lazy("Assignee")),
    "done": F("bool", gettext_lazy("Done")),
    "account": F("fk", gettext_lazy("Account")),
    "contact": F("fk", gettext_lazy("Contact")),
    "deal": F("fk", gettext_lazy("Deal")),
    "lead": F("fk", gettext_lazy("Lead")),
    "ticket": F("fk", gettext_lazy("Ticket")),
}
