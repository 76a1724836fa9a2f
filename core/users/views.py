"""Web pages of a workspace's logins: log in/out, settings, tokens, team, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.errors import ApplicationError
from core.web.forms import add_service_errors
from core.web.ratelimit import count_for_subject, too_many

from . import forms, selectors, services
from .handoff import user_for_handoff_token
from .login_limits import account_locked, locked_message, login_failed
from .middleware import activate_for
from .roles import can_manage_users

RESET_WINDOW = 60 * 60
RESET_PER_ADDRESS = 10  # reset emails one client may ask for per hour in a workspace
RESET_PER_EMAIL = 3  # reset emails one address may receive per hour, whoever asks


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("records:home")
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and too_many(request, "login", limit=20, window_seconds=60):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Please wait a minute and try again."))
        return render(request, "users/login.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid() and account_locked(form.cleaned_data["email"]):
        form.add_error(None, locked_message())
        return render(request, "users/login.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if user is None:
            login_failed(form.cleaned_data["email"])
            form.add_error(None, _("Email or password is not correct."))
        else:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return HttpResponseRedirect(target)
    return render(request, "users/login.html", {"form": form}, status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, limited per client address and per email typed.

    Both limits are counted before the email is looked up, so an address with no login gets the very
    same answers: the link-sent page, or the limit's message once reached.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        over_address = too_many(self.request, "password-reset", limit=RESET_PER_ADDRESS, window_seconds=RESET_WINDOW)
        over_email = count_for_subject("password-reset", email, window_seconds=RESET_WINDOW) > RESET_PER_EMAIL
        if over_address or over_email:
            form.add_error(None, _("Too many password reset requests. Please wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect("users:login")


def handoff_view(request: HttpRequest, token: str) -> HttpResponse:
    """Arrive logged in from the signup page of the public site."""
    user = user_for_handoff_token(token, request.tenant.schema_name)
    if user is None:
        messages.error(request, _("That sign-in link has expired. Please log in."))
        return redirect("users:login")
    login(request, user, backend="core.users.backends.EmailBackend")
    return redirect("records:home")


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = forms.ProfileForm(initial={"name": user.name, "language": user.language, "time_zone": user.time_zone})
    password = forms.PasswordChangeForm()
    if request.method == "POST" and request.POST.get("form") == "profile":
        profile = forms.ProfileForm(request.POST)
        if profile.is_valid():
            try:
                services.user_update_profile(user=user, **profile.cleaned_data)
                activate_for(request, user)
                messages.success(request, _("Your settings are saved."))
                return redirect("users:settings")
            except ValidationError as error:
                add_service_errors(profile, error)
    elif request.method == "POST" and request.POST.get("form") == "password":
        password = forms.PasswordChangeForm(request.POST)
        if password.is_valid():
            try:
                services.user_change_password(user=user, **password.cleaned_data)
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password is changed."))
                return redirect("users:settings")
            except ValidationError as error:
                add_service_errors(password, error)
    status = 400 if profile.errors or password.errors else 200
    return render(request, "users/settings.html", {"profile": profile, "password": password}, status=status)


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    form = forms.TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = forms.TokenForm()
    tokens = selectors.api_token_list(user=request.user)
    return render(request, "users/tokens.html", {"form": form, "tokens": tokens, "created": created})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.api_token_list(user=request.user), pk=pk)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("users:tokens")


@login_required
def team_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_users(request.user.role):
        raise PermissionDenied
    invite = forms.InviteForm(prefix="invite")
    create = forms.CreateUserForm(prefix="create")
    if request.method == "POST" and "invite-email" in request.POST:
        invite = forms.InviteForm(request.POST, prefix="invite")
        if invite.is_valid():
            try:
                services.invitation_create(actor=request.user, base_url=request.build_absolute_uri("/"),
                                           **invite.cleaned_data)
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invite.cleaned_data["email"]})
                return redirect("users:team")
            except (ValidationError, ApplicationError) as error:
                add_service_errors(invite, error)
    elif request.method == "POST" and "create-email" in request.POST:
        create = forms.CreateUserForm(request.POST, prefix="create")
        if create.is_valid():
            try:
                services.user_create(actor=request.user, **create.cleaned_data)
                messages.success(request, _("User %(email)s created.") % {"email": create.cleaned_data["email"]})
                return redirect("users:team")
            except (ValidationError, ApplicationError, PermissionDenied) as error:
                if isinstance(error, PermissionDenied):
                    error = ValidationError(str(error) or _("You do not have permission to do this."))
                add_service_errors(create, error)
    context = {
        "users": selectors.user_list(actor=request.user),
        "invitations": selectors.invitation_list(actor=request.user).filter(accepted_at__isnull=True),
        "invite": invite,
        "create": create,
        "role_form": forms.RoleForm(),
    }
    status = 400 if invite.errors or create.errors else 200
    return render(request, "users/team.html", context, status=status)


@login_required
@require_POST
def user_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(selectors.user_list(actor=request.user), pk=pk)
    try:
        if request.POST.get("action") == "deactivate":
            services.user_deactivate(actor=request.user, user=user)
        elif request.POST.get("action") == "reactivate":
            services.user_reactivate(actor=request.user, user=user)
        else:
            form = forms.RoleForm(request.POST)
            if form.is_valid():
                services.user_change_role(actor=request.user, user=user, role=form.cleaned_data["role"])
        messages.success(request, _("Saved."))
    except (ApplicationError, PermissionDenied, ValidationError) as error:
        message = getattr(error, "message", None) or (error.messages[0] if isinstance(error, ValidationError) else str(error))
        messages.error(request, message or _("You do not have permission to do this."))
    return redirect("users:team")


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "users/invitation_invalid.html", status=404)
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(raw_token=token, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="core.users.backends.EmailBackend")
            return redirect("records:home")
    return render(request, "users/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """The footer's language switch: remembered in a cookie, and in the profile of a logged-in user."""
    from django.conf import settings
    from django.views.i18n import set_language

    response = set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and language in dict(settings.LANGUAGES) and \
            not getattr(request, "is_public", True) and not getattr(request.tenant, "is_read_only", False):
        services.user_update_profile(user=user, language=language)
    return response
