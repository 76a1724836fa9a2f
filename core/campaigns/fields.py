"""The built-in fields of the campaigns app's records: kind, label, limits (core.entities.fields.F).

Services clean every payload with these; the entity registry hands them to forms, the meta API,
history labels and the configuration's checks.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy, pgettext_lazy

from core.entities.fields import F

from .models import Campaign

MAX_BUDGET = Decimal("999999999999.99")  # what numeric(14, 2) holds

CAMPAIGN_FIELDS: dict[str, F] = {
    "name": F("text", pgettext_lazy("record", "Name"), required=True, max_length=200),
    "channel": F("choice", gettext_lazy("Channel"), choices=Campaign.Channel),
    "start_date": F("date", gettext_lazy("Start date"), required=True),
    "end_date": F("date", gettext_lazy("End date")),
    "budget": F("decimal", gettext_lazy("Budget"), min_value=0, max_value=MAX_BUDGET),
    "currency": F("currency", gettext_lazy("Currency")),
    "status": F("choice", gettext_lazy("Status"), choices=Campaign.Status),
    "description": F("longtext", gettext_lazy("Description"), max_length=10000),
    "owner": F("fk", pgettext_lazy("record", "Owner")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}
