"""The audit log and the field history of a workspace. Both are append-only.

Append-only is enforced twice: here (a clear Python error before any SQL is sent) and in the database
by triggers (see `append_only.py`), so raw SQL, a shell or a buggy migration cannot rewrite the past
either. The only change the database lets through is the one Django's `on_delete=SET_NULL` makes when
a user is deleted: `actor_id` becomes NULL, every other column stays, and `actor_label` keeps who it was.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry or a field change."""


class AuditAction(models.TextChoices):
    """What happened. To add an action, add a line here: the column declares no choices, so no migration."""

    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Updated")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
    VIEW = "view", pgettext_lazy("audit action", "Viewed")
    REVEAL = "reveal", pgettext_lazy("audit action", "Revealed a masked field")
    EXPORT = "export", pgettext_lazy("audit action", "Exported")
    LOGIN_SUCCEEDED = "login_succeeded", pgettext_lazy("audit action", "Logged in")
    LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Failed login")
    LOGOUT = "logout", pgettext_lazy("audit action", "Logged out")
    ROLE_CHANGED = "role_changed", pgettext_lazy("audit action", "Role changed")
    USER_CREATED = "user_created", pgettext_lazy("audit action", "User created")
    USER_DEACTIVATED = "user_deactivated", pgettext_lazy("audit action", "User deactivated")
    USER_REACTIVATED = "user_reactivated", pgettext_lazy("audit action", "User reactivated")
    INVITATION_SENT = "invitation_sent", pgettext_lazy("audit action", "Invitation sent")
    TOKEN_CREATED = "token_created", pgettext_lazy("audit action", "API token created")
    TOKEN_REVOKED = "token_revoked", pgettext_lazy("audit action", "API token revoked")
    PASSWORD_CHANGED = "password_changed", pgettext_lazy("audit action", "Password changed")
    PASSWORD_RESET = "password_reset", pgettext_lazy("audit action", "Password reset by email")
    MERGE = "merge", pgettext_lazy("audit action", "Merged")
    CONVERT = "convert", pgettext_lazy("audit action", "Converted")
    CLAIM = "claim", pgettext_lazy("audit action", "Claimed")
    RELEASE = "release", pgettext_lazy("audit action", "Released")
    STAGE_CHANGED = "stage_changed", pgettext_lazy("audit action", "Stage changed")
    CONFIG_CHANGED = "config_changed", pgettext_lazy("audit action", "Configuration changed")
    INTAKE_LOOKUP = "intake_lookup", pgettext_lazy("audit action", "Looked up a caller's account")
    PHONE_LOOKUP = "phone_lookup", pgettext_lazy("audit action", "Looked up a whole phone number")


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"{what} is append-only: entries can be added, never changed or deleted.")


class AppendOnlyQuerySet(models.QuerySet):
    """`update()` and `delete()` refuse. Django's deletion collector uses the plain base manager,
    so deleting a user still detaches its entries (actor set to NULL), which the trigger allows."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model._meta.db_table)

    def delete(self) -> NoReturn:
        _refuse(self.model._meta.db_table)


class AppendOnlyModel(models.Model):
    """Rows are inserted once; `save()` of an existing row and `delete()` raise AppendOnlyError."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(self._meta.db_table)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self._meta.db_table)


class AuditEntry(AppendOnlyModel):
    """Who did what to which record, from where. Labels are snapshots so entries outlive renames."""

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(_("actor"), max_length=254, blank=True,
                                   help_text="The actor's email when the entry was written.")
    action = models.CharField(_("action"), max_length=40, help_text="One of AuditAction's values.")
    entity = models.CharField(_("entity"), max_length=50, blank=True)
    record_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    record_label = models.CharField(_("record"), max_length=300, blank=True)
    fields = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True,
                               help_text="{field: [old, new]}; sensitive values arrive masked.")
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "audit_entry"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "record_id"], name="audit_entry_record_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_entry_actor_idx"),
            models.Index(fields=["action", "created_at"], name="audit_entry_action_idx"),
            models.Index(fields=["created_at"], name="audit_entry_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action} {self.entity}"

    @property
    def action_label(self) -> str:
        """The translated name of the action; an action unknown to this code shows as stored."""
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


class FieldChange(AppendOnlyModel):
    """One field of one record changed: the record's timeline is built from these, without limit."""

    entity = models.CharField(max_length=50)
    record_id = models.BigIntegerField()
    field = models.CharField(max_length=100)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=64, blank=True)
    # the record's version this change produced: what changed since version N is the rows above N
    record_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "audit_field_change"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "record_id", "created_at"], name="audit_field_change_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}#{self.record_id}.{self.field}"
