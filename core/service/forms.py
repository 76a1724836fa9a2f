"""Web forms of the service desk. They only collect input: core.service.services validates and decides.

Field names are keys of the services' field specs (TICKET_FIELDS, RESOLVE_FIELDS, RATE_FIELDS,
ASSIGN_FIELDS), so the service sees the `data` the API would send and its errors land next to the
fields that caused them (core.web.forms.add_service_errors).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.customization.record_form import FilterForm, RecordForm, menu_field, text_field

from .fields import ASSIGN_FIELDS, RATE_FIELDS, RESOLVE_FIELDS, TICKET_FIELDS
from .models import Ticket

SCORE_CHOICES = [(str(score), str(score)) for score in range(1, 6)]


class TicketForm(RecordForm):
    entity = "ticket"

    account = menu_field(TICKET_FIELDS, "account", [])
    contact = menu_field(TICKET_FIELDS, "contact", [])
    subject = text_field(TICKET_FIELDS, "subject")
    description = text_field(TICKET_FIELDS, "description", widget=forms.Textarea(attrs={"rows": 5}))
    category = text_field(TICKET_FIELDS, "category")
    channel = menu_field(TICKET_FIELDS, "channel", Ticket.Channel.choices)
    priority = menu_field(TICKET_FIELDS, "priority", Ticket.Priority.choices)
    assignee = menu_field(TICKET_FIELDS, "assignee", [])

    def __init__(self, *args, accounts: list[tuple[int, str]] = (), contacts: list[tuple[int, str]] = (),
                 assignees: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.choices = [("", "—"), *accounts]
        self.fields["contact"].widget.choices = [("", "—"), *contacts]
        self.fields["assignee"].widget.choices = [("", _("Nobody yet")), *assignees]

    @staticmethod
    def initial_for(ticket: Ticket) -> dict[str, Any]:
        return {"account": ticket.account_id, "contact": ticket.contact_id or "", "subject": ticket.subject,
                "description": ticket.description, "category": ticket.category, "channel": ticket.channel,
                "priority": ticket.priority, "assignee": ticket.assignee_id or ""}


class ActionForm(forms.Form):
    """A ticket action's input (none for respond / close / reopen); it also carries the service's errors."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ResolveForm(ActionForm):
    resolution = forms.CharField(label=RESOLVE_FIELDS["resolution"].label, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("How was the request solved? The customer's follow-up call is due "
                                             "within a day."))


class RateForm(ActionForm):
    score = forms.CharField(label=_("Customer satisfaction"), required=False,
                            widget=forms.RadioSelect(choices=SCORE_CHOICES),
                            help_text=_("1 = very unhappy, 5 = very happy."))
    comment = forms.CharField(label=RATE_FIELDS["comment"].label, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(ActionForm):
    assignee = menu_field(ASSIGN_FIELDS, "assignee", [])

    def __init__(self, *args, assignees: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].widget.choices = [("", _("Nobody")), *assignees]


# --- the queue's filters: a GET form; the list applies the API's FilterSet (core.service.filters) ---

class TicketFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Subject")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Unfinished")), *Ticket.Status.choices])
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Any")), *Ticket.Priority.choices])
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    mine = forms.ChoiceField(label=_("Whose"), required=False,
                             choices=[("", _("Everyone's")), ("true", _("Assigned to me"))])

    def __init__(self, *args, assignees: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Anyone")), *[(str(pk), name) for pk, name in assignees]]
