"""The admin page's filter form. It only parses input; the selector decides what is shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.audit.models import AuditAction
from core.users.models import User

from .selectors import AuditFilters, day_end, day_start


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    entity = forms.ChoiceField(label=_("Record type"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("The whole day is included."))
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}),
                        help_text=_("A record's name or a person's email."))

    def __init__(self, *args, users: list[User], entities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Everyone"))]
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]
        self.fields["actor"].choices = everyone + [(user.pk, f"{user.name} <{user.email}>") for user in users]
        self.fields["entity"].choices = [("", _("All record types")), *((e, e) for e in entities)]

    def filters(self) -> AuditFilters:
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()  # an invalid field is shown with its error and ignored; the valid ones still filter
        data = self.cleaned_data
        return AuditFilters(
            actor=data.get("actor"),
            action=data.get("action", ""),
            entity=data.get("entity", ""),
            since=day_start(data["since"]) if data.get("since") else None,
            until=day_end(data["until"]) if data.get("until") else None,
            q=(data.get("q") or "").strip(),
        )
