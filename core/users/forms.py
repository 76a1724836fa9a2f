"""Web forms of the users app. They only collect input; services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .roles import Role

LANGUAGE_CHOICES = [("", _("Workspace default")), ("zh-hans", "中文"), ("en", "English")]


class LoginForm(forms.Form):
    email = forms.CharField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ResetPasswordForm(SetPasswordForm):
    """Django's form of the reset link's page; saving goes through the service, which also revokes
    the user's API tokens."""

    def save(self, commit: bool = True):
        from .services import user_reset_password

        return user_reset_password(user=self.user, new_password=self.cleaned_data["new_password1"])


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    time_zone = forms.CharField(label=_("Time zone"), required=False,
                                help_text=_("For example Asia/Shanghai. Empty: the workspace's time zone."))


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, required=False,
                           help_text=_("What will use it, for example “nightly export script”."))


class InviteForm(forms.Form):
    email = forms.CharField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class CreateUserForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False)
    email = forms.CharField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), required=False)
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput)
