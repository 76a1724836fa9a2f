"""The workspace configuration's versions: immutable rows, the newest is the configuration in force.

No row yet means version 0, the built-in default (the blank preset). Saving never edits a row: it adds
the next number, so history, diffs and rollback need nothing else, and two admins saving from the same
base collide on the unique number instead of overwriting each other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit.models import AppendOnlyModel


class ConfigVersion(AppendOnlyModel):
    number = models.PositiveIntegerField(_("version"), unique=True)
    document = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_label = models.CharField(_("author"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)
    rolled_back_to = models.PositiveIntegerField(null=True, blank=True,
                                                 help_text="The version this one restores, for a rollback.")
    preset = models.CharField(max_length=50, blank=True, help_text="The preset this version was made from.")

    class Meta:
        db_table = "config_version"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"
