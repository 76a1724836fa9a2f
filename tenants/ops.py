"""The provider's ops console (public host, `/ops/`): every workspace, and actions with a reason.

Only staff users of the public schema get in. Every action is an `OpsAction` row (who, when, why),
and status changes go through `tenants.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.users.login_limits import account_locked, locked_message, login_failed
from core.web.ratelimit import too_many

from .forms import ReasonForm, StaffLoginForm
from .lifecycle import InvalidTransition, allowed_targets
from .models import TenantStatus
from .selectors import workspace_list
from .services import ops_resume, ops_suspend


def staff_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_staff and user.is_active):
            return redirect(f"/ops/login/?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


def ops_login(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and too_many(request, "ops-login", limit=10, window_seconds=60):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Please wait a minute and try again."))
        return render(request, "tenants/ops/login.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid() and account_locked(form.cleaned_data["email"]):
        form.add_error(None, locked_message())
        return render(request, "tenants/ops/login.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if user is None or not user.is_staff:
            login_failed(form.cleaned_data["email"])
            form.add_error(None, _("Email or password is not correct."))
        else:
            login(request, user)
            return redirect("ops:tenants")
    return render(request, "tenants/ops/login.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def ops_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("ops:login")


@staff_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    tenants = workspace_list(query=request.GET.get("q", "").strip(), status=request.GET.get("status", ""))
    return render(request, "tenants/ops/tenant_list.html", {
        "tenants": tenants[:500], "statuses": TenantStatus.choices,
        "q": request.GET.get("q", ""), "status": request.GET.get("status", ""),
    })


@staff_required
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(workspace_list(), pk=pk)
    return render(request, "tenants/ops/tenant_detail.html", {
        "tenant": tenant,
        "form": ReasonForm(),
        "can_suspend": TenantStatus.SUSPENDED in allowed_targets(tenant.status),
        "can_resume": tenant.status == TenantStatus.SUSPENDED,
        "actions": tenant.ops_actions.select_related("actor")[:50],
        "changes": tenant.status_changes.all()[:50],
    })


@staff_required
@require_POST
def tenant_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    tenant = get_object_or_404(workspace_list(), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: it is recorded with the action."))
        return redirect("ops:tenant", pk=pk)
    operations = {"suspend": ops_suspend, "resume": ops_resume}
    if action not in operations:
        messages.error(request, _("Unknown action."))
        return redirect("ops:tenant", pk=pk)
    try:
        operations[action](actor=request.user, tenant=tenant, reason=form.cleaned_data["reason"])
        if action == "suspend":
            messages.success(request, _("%(name)s is suspended and read-only.") % {"name": tenant.name})
        else:
            messages.success(request, _("%(name)s is resumed.") % {"name": tenant.name})
    except InvalidTransition as error:
        messages.error(request, str(error))
    return redirect("ops:tenant", pk=pk)
