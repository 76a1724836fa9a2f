"""The admin page of the audit log: filter, read, page back in time. Nothing here can change it."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from core.audit.models import AuditEntry
from core.users import selectors as user_selectors

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


def _older_than(qs: QuerySet[AuditEntry], cursor: str) -> QuerySet[AuditEntry]:
    """Keyset paging: entries before `<created_at ISO>~<id>`, the last row of the previous page."""
    moment_text, _sep, id_text = cursor.rpartition("~")
    try:
        moment = parse_datetime(moment_text)
        last_id = int(id_text)
    except ValueError:
        return qs
    if moment is None or moment.tzinfo is None:
        return qs
    return qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=last_id))


def _cursor_of(entry: AuditEntry) -> str:
    return f"{entry.created_at.astimezone(datetime.UTC).isoformat()}~{entry.pk}"


@login_required
@require_safe
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not selectors.can_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, users=list(user_selectors.user_list(actor=request.user)),
                           entities=selectors.audit_entities())
    entries = selectors.audit_entries(actor=request.user, filters=form.filters())
    if request.GET.get("older"):
        entries = _older_than(entries, request.GET["older"])
    rows = list(entries[: PAGE_SIZE + 1])
    older = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        query = request.GET.copy()
        query["older"] = _cursor_of(rows[-1])
        older = query.urlencode()
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "audit/audit_log.html", {"form": form, "entries": rows, "older": older}, status=status)
