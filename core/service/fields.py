"""The built-in fields of the service app's records: kind, label, limits (core.entities.fields.F).

Services clean every payload with these; the entity registry hands them to forms, the meta API,
history labels and the configuration's checks.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.entities.fields import F

from .models import Ticket

TICKET_FIELDS: dict[str, F] = {
    "account": F("fk", gettext_lazy("Account"), required=True),
    "contact": F("fk", gettext_lazy("Contact")),
    "subject": F("text", gettext_lazy("Subject"), required=True, max_length=200),
    "description": F("longtext", gettext_lazy("Description"), max_length=20000),
    "category": F("text", gettext_lazy("Category"), max_length=100),
    "channel": F("choice", gettext_lazy("Channel"), required=True, choices=Ticket.Channel),
    "priority": F("choice", gettext_lazy("Priority"), required=True, choices=Ticket.Priority),
    "assignee": F("fk", gettext_lazy("Assignee")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}


TICKET_UPDATE_FIELDS: dict[str, F] = {
    **TICKET_FIELDS,
    "status": F("choice", gettext_lazy("Status"), required=True, choices=Ticket.Status),
    "resolution": F("longtext", gettext_lazy("Resolution"), max_length=10000),
}


RESOLVE_FIELDS: dict[str, F] = {
    "resolution": F("longtext", gettext_lazy("Resolution"), required=True, max_length=10000)}


RATE_FIELDS: dict[str, F] = {
    "score": F("int", gettext_lazy("Score"), required=True, min_value=1, max_value=5),
    "comment": F("longtext", gettext_lazy("Comment"), max_length=2000),
}


ASSIGN_FIELDS: dict[str, F] = {"assignee": F("fk", gettext_lazy("Assignee"))}
