"""The signup form: fields only; `tenants.services.validate_signup` holds the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Language


class SignupForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), required=False, max_length=400,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    workspace = forms.CharField(label=_("Workspace address"), required=False, max_length=100,
                                help_text=_("3–30 lowercase letters, digits or hyphens."),
                                widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}))
    name = forms.CharField(label=_("Your name"), required=False, max_length=300)
    email = forms.CharField(label=_("Email"), required=False, max_length=300,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), required=False, max_length=300,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
                               help_text=_("At least 8 characters, not only digits, not a common password."))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.ZH_HANS)
    preset = forms.ChoiceField(label=_("Start from"), required=False, initial="blank",
                               help_text=_("Custom fields and pipelines for your kind of business; you can change "
                                           "everything later in Settings."))

    def __init__(self, *args, **kwargs):
        from django.utils import translation

        from core.customization.schema import presets

        super().__init__(*args, **kwargs)
        language = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
        self.fields["preset"].choices = [(p["key"], p["label"][language]) for p in presets()]

    @property
    def base_domain(self) -> str:
        return settings.GUANXI_BASE_DOMAIN


class FindWorkspaceForm(forms.Form):
    email = forms.EmailField(label=_("Your email"))


class StaffLoginForm(forms.Form):
    email = forms.CharField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Recorded in the ops log, with your name and the time."))
