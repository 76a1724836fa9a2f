"""Every change to the logins of a workspace: one function per use case.

The rules that matter here: only admins and owners manage users; only an owner grants or removes
the owner role; a workspace always keeps at least one active owner (checked under a row lock, so two
admins demoting the last two owners at once cannot both succeed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.api.errors import Conflict
from core.audit.models import AuditAction
from core.audit.services import audit_record

from .models import ApiToken, Invitation, User, normalize_email
from .roles import Role, can_grant, can_manage_users

INVITATION_LIFETIME = timedelta(days=7)


def _require_admin(actor: User) -> None:
    if not (actor.is_authenticated and can_manage_users(actor.role)):
        raise PermissionDenied(_("Only workspace admins and owners can manage users."))


def _clean_email(email: str, field: str = "email") -> str:
    email = normalize_email(email)
    try:
        if not email:
            raise ValidationError(_("Enter an email address."), code="required")
        validate_email(email)
    except ValidationError as error:
        code = error.code if error.code == "required" else "invalid"
        message = error.messages[0] if code == "required" else _("Enter a valid email address, like name@company.com.")
        raise ValidationError({field: ValidationError(message, code=code)}) from None
    return email


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": ValidationError(
            _("Unknown role “%(role)s”. Choose one of: %(roles)s.") % {
                "role": role, "roles": ", ".join(f"{value} ({label})" for value, label in Role.choices)},
            code="invalid_choice")})
    return role


def _email_taken(email: str) -> Conflict:
    return Conflict(_("A user with this email already exists in this workspace."), code="email_taken",
                    fields=[{"path": "email", "code": "email_taken",
                             "message": _("A user with this email already exists in this workspace.")}])


def _owners_left_after(user: User) -> int:
    """Active owners other than `user`, counted under lock."""
    owners = list(User.objects.select_for_update().filter(role=Role.OWNER, is_active=True).values_list("pk", flat=True))
    return len([pk for pk in owners if pk != user.pk])


def user_create(*, actor: User, email: str, name: str, role: str = Role.MEMBER, password: str,
                language: str = "") -> User:
    """An admin creates a login directly with an initial password."""
    _require_admin(actor)
    email = _clean_email(email)
    role = _clean_role(role)
    if not can_grant(actor.role, role):
        raise PermissionDenied(_("Only an owner can make someone an owner."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Enter the user's name."), code="required")})
    if language not in ("", "zh-hans", "en"):
        raise ValidationError({"language": ValidationError(_("Choose 中文 or English."), code="invalid_choice")})
    try:
        validate_password(password, User(email=email, name=name))
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None
    if User.objects.filter(email=email).exists():
        raise _email_taken(email)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, name=name, role=role, language=language)
            audit_record(actor=actor, action=AuditAction.USER_CREATED, entity="user", record=user,
                         changes={"email": (None, email), "role": (None, role)})
            return user
    except IntegrityError:
        raise _email_taken(email) from None


def user_change_role(*, actor: User, user: User, role: str) -> User:
    _require_admin(actor)
    role = _clean_role(role)
    if not can_grant(actor.role, role) or (user.role == Role.OWNER and actor.role != Role.OWNER):
        raise PermissionDenied(_("Only an owner can grant or remove the owner role."))
    with transaction.atomic():
        if user.role == Role.OWNER and role != Role.OWNER and _owners_left_after(user) == 0:
            raise Conflict(_("The workspace must keep at least one owner. Make someone else owner first."),
                           code="last_owner")
        old_role = user.role
        user.role = role
        user.save(update_fields=["role"])
        if old_role != role:
            audit_record(actor=actor, action=AuditAction.ROLE_CHANGED, entity="user", record=user,
                         changes={"role": (old_role, role)})
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    _require_admin(actor)
    if user.role == Role.OWNER and actor.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can deactivate an owner."))
    with transaction.atomic():
        if user.role == Role.OWNER and _owners_left_after(user) == 0:
            raise Conflict(_("The workspace must keep at least one owner. Make someone else owner first."),
                           code="last_owner")
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(actor=actor, action=AuditAction.USER_DEACTIVATED, entity="user", record=user,
                     changes={"is_active": (True, False)})
    return user


def user_reactivate(*, actor: User, user: User) -> User:
    _require_admin(actor)
    if user.role == Role.OWNER and actor.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can reactivate an owner."))
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=AuditAction.USER_REACTIVATED, entity="user", record=user,
                     changes={"is_active": (False, True)})
    return user


def user_update_profile(*, user: User, name: str | None = None, language: str | None = None,
                        time_zone: str | None = None) -> User:
    """A user changes their own name, language and time zone."""
    import zoneinfo

    fields = []
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": ValidationError(_("Enter your name."), code="required")})
        user.name = name
        fields.append("name")
    if language is not None:
        if language not in ("", "zh-hans", "en"):
            raise ValidationError({"language": ValidationError(_("Choose 中文 or English."), code="invalid_choice")})
        user.language = language
        fields.append("language")
    if time_zone is not None:
        if time_zone and time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": ValidationError(
                _("Unknown time zone “%(tz)s”. Use a name like Asia/Shanghai.") % {"tz": time_zone},
                code="invalid_choice")})
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)
    return user


def user_change_password(*, user: User, current_password: str, new_password: str,
                         keep_token: ApiToken | None = None) -> User:
    """A user changes their own password; every API token but `keep_token` (the one the change came
    with, if any) is revoked, and Django's session hash ends every session the caller does not renew
    with `update_session_auth_hash`."""
    if not user.check_password(current_password or ""):
        raise ValidationError({"current_password": ValidationError(
            _("Your current password is not correct."), code="incorrect")})
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.error_list}) from None
    _set_password(user, new_password, AuditAction.PASSWORD_CHANGED, keep_token=keep_token)
    return user


def user_reset_password(*, user: User, new_password: str) -> User:
    """Set the password chosen through an emailed reset link (the form checked the link and the
    password's strength): every API token is revoked and every session ends."""
    _set_password(user, new_password, AuditAction.PASSWORD_RESET)
    return user


def _set_password(user: User, new_password: str, action: str, *, keep_token: ApiToken | None = None) -> None:
    """Whoever knew the old password may hold a token or a session: a new password ends them all."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens = user.api_tokens.filter(revoked_at__isnull=True)
        if keep_token is not None:
            tokens = tokens.exclude(pk=keep_token.pk)
        revoked = tokens.update(revoked_at=timezone.now())
        if connection.schema_name != "public":  # provider staff have no audit log
            audit_record(actor=user, action=action, entity="user", record=user,
                         changes={"revoked_tokens": (None, revoked)} if revoked else None)


# --- invitations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    url: str


def invitation_create(*, actor: User, email: str, role: str = Role.MEMBER, base_url: str) -> CreatedInvitation:
    """Invite a colleague by email; the link in the email is the only copy of the token."""
    _require_admin(actor)
    email = _clean_email(email)
    role = _clean_role(role)
    if not can_grant(actor.role, role):
        raise PermissionDenied(_("Only an owner can make someone an owner."))
    if User.objects.filter(email=email).exists():
        raise _email_taken(email)
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, role=role, digest=ApiToken.digest_of(raw), invited_by=actor,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        audit_record(actor=actor, action=AuditAction.INVITATION_SENT, entity="invitation", record=invitation,
                     changes={"email": (None, email), "role": (None, role)})
    url = f"{base_url.rstrip('/')}/invite/{raw}/"
    from .tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, url))
    return CreatedInvitation(invitation=invitation, url=url)


def invitation_send_email(*, invitation: Invitation, url: str) -> Invitation:
    """Email the invitation in the workspace's language and note when it left."""
    tenant = getattr(connection, "tenant", None)
    inviter = invitation.invited_by
    context = {"inviter": inviter, "workspace": getattr(tenant, "name", ""), "url": url,
               "role": Role(invitation.role).label, "days": INVITATION_LIFETIME.days}
    with translation.override(getattr(tenant, "default_language", None) or "zh-hans"):
        subject = _("%(inviter)s invited you to %(workspace)s on Guanxi") % {
            "inviter": inviter.name if inviter else "Guanxi", "workspace": context["workspace"]}
        body = render_to_string("users/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return invitation


def invitation_for_token(raw: str) -> Invitation | None:
    invitation = Invitation.objects.filter(digest=ApiToken.digest_of(raw or "")).first()
    return invitation if invitation is not None and invitation.is_usable else None


def invitation_accept(*, raw_token: str, name: str, password: str) -> User:
    """Accept once: the row is locked, so a double submit makes one login."""
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update()
                      .filter(digest=ApiToken.digest_of(raw_token or "")).first())
        if invitation is None or not invitation.is_usable:
            raise ValidationError({"token": ValidationError(
                _("This invitation is no longer valid. Ask your admin for a new one."), code="invalid_invitation")})
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": ValidationError(_("Enter your name."), code="required")})
        try:
            validate_password(password, User(email=invitation.email, name=name))
        except ValidationError as error:
            raise ValidationError({"password": error.error_list}) from None
        if User.objects.filter(email=invitation.email).exists():
            raise _email_taken(invitation.email)
        user = User.objects.create_user(invitation.email, password, name=name, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit_record(actor=user, action=AuditAction.USER_CREATED, entity="user", record=user,
                     changes={"email": (None, user.email), "role": (None, user.role)})
    return user


# --- API tokens ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    raw: str


def api_token_create(*, user: User, name: str) -> CreatedToken:
    """Create a personal token; `raw` is returned once and never stored."""
    name = (name or "").strip() or _("API token")
    if len(name) > 100:
        raise ValidationError({"name": ValidationError(_("Use at most 100 characters."), code="max_length")})
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(raw), hint=raw[:10])
        audit_record(actor=user, action=AuditAction.TOKEN_CREATED, entity="api_token", record=token)
    return CreatedToken(token=token, raw=raw)


def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied()
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=user, action=AuditAction.TOKEN_REVOKED, entity="api_token", record=token)
    return token
