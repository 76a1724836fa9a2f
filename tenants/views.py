"""The public site: what Guanxi is, plans, signup, and finding one's workspaces."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from billing.plans import PLANS
from core.users.handoff import make_handoff_token
from core.web.forms import add_service_errors
from core.web.ratelimit import too_many

from . import services
from .forms import FindWorkspaceForm, SignupForm
from .models import Language, workspace_url


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "tenants/landing.html", {"plans": PLANS})


def signup(request: HttpRequest) -> HttpResponse:
    """Sign up a company. The page answers in the language the visitor picked in the form."""
    language = request.POST.get("language") if request.method == "POST" else None
    if language not in Language.values:
        language = "zh-hans" if translation.get_language() == "zh-hans" else "en"
    with translation.override(language):
        form = SignupForm(request.POST or None, initial={"language": language})
        if request.method == "POST" and too_many(request, "signup", limit=30, window_seconds=3600):
            form.is_valid()
            form.add_error(None, _("Too many signups from your address. Please try again later."))
            return render(request, "tenants/signup.html", {"form": form}, status=429)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.tenant_signup(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                token = make_handoff_token(result.owner, result.tenant.schema_name)
                return HttpResponseRedirect(workspace_url(result.domain, f"/auth/handoff/{token}/"))
        return render(request, "tenants/signup.html", {"form": form}, status=400 if form.errors else 200)


def find_workspace(request: HttpRequest) -> HttpResponse:
    form = FindWorkspaceForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid() and not too_many(
            request, "find-workspace", limit=10, window_seconds=3600):
        services.find_workspaces_request(email=form.cleaned_data["email"], language=translation.get_language())
        sent = True
    return render(request, "tenants/find_workspace.html", {"form": form, "sent": sent,
                                                           "sent_message": _("If we found any workspaces for that email, we have emailed their addresses.")})
