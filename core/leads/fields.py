"""The built-in fields of the leads app's records: kind, label, limits (core.entities.fields.F).

Services clean every payload with these; the entity registry hands them to forms, the meta API,
history labels and the configuration's checks.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

from core.entities.fields import F

from .models import Lead

LEAD_FIELDS: dict[str, F] = {
    "company": F("text", gettext_lazy("Company"), max_length=200),
    "name": F("text", gettext_lazy("Name"), required=True, max_length=150),
    "title": F("text", gettext_lazy("Title"), max_length=100),
    "phones": F("phones", gettext_lazy("Phones")),
    "emails": F("emails", gettext_lazy("Emails")),
    "source": F("text", gettext_lazy("Source"), max_length=100),
    "grade": F("choice", gettext_lazy("Grade"), choices=Lead.Grade),
    "score": F("int", gettext_lazy("Score"), min_value=0, max_value=100),
    "status": F("choice", gettext_lazy("Status"), choices=Lead.Status),
    "disqualified_reason": F("text", gettext_lazy("Disqualified reason"), max_length=300),
    "owner": F("fk", pgettext_lazy("record", "Owner")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}


CONVERT_FIELDS: dict[str, F] = {
    "account": F("fk", gettext_lazy("Account")),
    "create_deal": F("bool", gettext_lazy("Create a deal")),
    "deal_name": F("text", gettext_lazy("Deal name"), max_length=200),
    "amount": F("decimal", gettext_lazy("Amount"), min_value=0),
}
