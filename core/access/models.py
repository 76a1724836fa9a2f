"""Teams: a manager and members. A manager sees what the members of the teams they manage own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="managed_teams", verbose_name=_("manager"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True,
                                     verbose_name=_("members"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
