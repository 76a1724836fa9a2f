"""Web pages of the service desk: the SLA queue, a ticket's page with its actions, the ticket form.

Thin views over core.service.selectors and services, like core.records.views: every read is scoped
(a ticket the user may not see is the same 404 as one that does not exist), every write is the
service the API calls, and a refusal is shown next to the form that asked for it.

Countdowns: the server renders the minutes left at one `now` (the same instant the selectors judge
the SLA at); web/countdown.js then rewrites the text every 30 seconds from each `data-due` time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access.people import owner_menu, user_names
from core.access.scoping import access_of, may
from core.customization import custom_view
from core.customization.query_rules import query_rules
from core.records import scopes
from core.records import selectors as records_selectors
from core.web.pages import run_service

from . import filters, forms, selectors, services
from .models import ACTIVE_STATUSES, Ticket
from .serializers import _minutes

PAGE_SIZE = 50
MENU_LIMIT = 500
FINISHED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


# --- countdowns -----------------------------------------------------------------------------------

def countdown_formats() -> dict[str, str]:
    """The words of a countdown, for the server's text and for web/countdown.js (one set of strings)."""
    return {"days": _("%(days)s d %(hours)s h"), "hours": _("%(hours)s h %(minutes)s min"),
            "minutes": _("%(minutes)s min"), "left": _("%(time)s left"), "overdue": _("%(time)s overdue")}


def countdown_text(minutes: int) -> str:
    """"1 h 20 min left" / "5 min overdue"; web/countdown.js writes exactly the same."""
    words = countdown_formats()
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        time = words["days"] % {"days": days, "hours": hours}
    elif hours:
        time = words["hours"] % {"hours": hours, "minutes": mins}
    else:
        time = words["minutes"] % {"minutes": mins}
    return words["overdue" if minutes < 0 else "left"] % {"time": time}


def countdown(due: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    minutes = _minutes(due - now)  # the API's rounding: whole minutes, down, negative once overdue
    due_iso = due.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"due": due, "due_iso": due_iso, "minutes": minutes, "text": countdown_text(minutes),
            "overdue": minutes < 0}


def with_sla_state(tickets: list[Ticket], now: dt.datetime) -> list[Ticket]:
    """Attach `sla` to tickets read through the selectors (their SLA annotations are judged at `now`).

    `sla.breached`: a target missed (also one met late); `sla.next`: the countdown to the deadline the
    desk works against now (the first response until there is one, then the resolution), unfinished only.
    """
    for ticket in tickets:
        active = ticket.status in ACTIVE_STATUSES
        ticket.sla = {
            "breached": bool(ticket.response_breached or ticket.resolution_breached),
            "next": countdown(ticket.next_due_at, now) if active else None,
            "next_is_response": active and ticket.first_responded_at is None,
        }
    return tickets


def account_tickets_context(request: HttpRequest, ctx) -> dict[str, Any]:
    """What the tickets block of the account page needs (its 360 panel, core.service.panels), no query per row."""
    actor, account = request.user, ctx.account
    tickets = with_sla_state(ctx["tickets"], timezone.now())
    names = user_names(actor, {ticket.assignee_id for ticket in tickets})
    for ticket in tickets:
        ticket.assignee_name = names.get(ticket.assignee_id, "")
    return {"tickets": tickets, "countdown_words": countdown_formats(),
            "can_open_tickets": _may_open_ticket_on(actor, account)}


def _may_open_ticket_on(actor, account) -> bool:
    """Whether ticket_create would take this account: the service's own checks, asked ahead (buttons only)."""
    if not selectors.may_write_tickets(access_of(actor)):
        return False
    try:
        selectors.account_for_ticket(actor=actor, pk=account.pk)
    except (ValidationError, PermissionDenied, Http404):
        return False
    return True


# --- menus ----------------------------------------------------------------------------------------

def _account_menu(actor, current: int | None = None) -> list[tuple[int, str]]:
    """Accounts offered in the ticket form: the ones the user sees and changes; the desk, all it sees.

    Only a convenience: ticket_create / ticket_update judge the choice (selectors.account_for_ticket) and
    the form shows their field error when they refuse it.
    """
    access = access_of(actor)
    qs = records_selectors.accounts(actor=actor)
    if access.role not in selectors.DESK_ROLES:
        qs = qs.filter(scopes.accounts_q(access, write=True))
    menu = list(qs.order_by("name", "id").values_list("pk", "name")[:MENU_LIMIT])
    if current and current not in {pk for pk, _name in menu}:
        menu += list(records_selectors.accounts(actor=actor).filter(pk=current).values_list("pk", "name"))
    return menu


def form_page(request: HttpRequest, form, *, title: str, cancel_url: str, intake: dict | None = None,
               template: str = "web/form.html") -> HttpResponse:
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url,
                                      "testid": "ticket-form", "intake": intake},
                  status=400 if form.errors else 200)


# --- the queue ------------------------------------------------------------------------------------

@login_required
@require_safe
def ticket_queue(request: HttpRequest) -> HttpResponse:
    """Unfinished tickets, breached first, then by the next deadline; a finished status lists newest first."""
    actor = request.user
    now = timezone.now()
    if request.GET.get("status") in FINISHED:
        base = selectors.tickets(actor=actor, now=now).order_by("-updated_at", "-id")
    else:
        base = selectors.ticket_queue(actor=actor, now=now)
    custom = custom_view.CustomList("ticket", actor)
    rules = query_rules("ticket", actor)  # a field the role may not read is neither offered nor used
    filter_form = custom.add_filters(rules.offered(
        forms.TicketFilterForm(request.GET or None, assignees=owner_menu(actor)), filters.TicketFilter))
    qs = filters.TicketFilter(rules.usable(request.GET, filters.TicketFilter), queryset=base, request=request).qs
    qs = custom.filter(qs, request.GET, filter_form)
    query = request.GET.get("q", "").strip()
    if query:
        qs = records_selectors.search(qs, query, actor=actor, text_fields=("subject",))
    page = Paginator(qs.select_related("account", "assignee"), PAGE_SIZE).get_page(request.GET.get("page"))
    with_sla_state(page.object_list, now)
    custom.attach(page.object_list)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "service/ticket_queue.html", {
        "page": page, "rows": page.object_list, "query": query_without_page.urlencode(),
        "filter_form": filter_form, "custom_columns": custom.columns,
        "countdown_words": countdown_formats(),
        "can_create": selectors.may_write_tickets(access_of(actor)),
    })


# --- one ticket -----------------------------------------------------------------------------------

def _ticket_page(request: HttpRequest, pk: int, *, status: int = 200, **bound: Any) -> HttpResponse:
    """The ticket's page; `bound` holds the action form that just failed, with the service's errors."""
    actor = request.user
    now = timezone.now()
    ticket = selectors.ticket_for_read(actor=actor, pk=pk, now=now)
    with_sla_state([ticket], now)
    contact = (records_selectors.contacts(actor=actor).filter(pk=ticket.contact_id).first()
               if ticket.contact_id else None)
    names = user_names(actor, {ticket.assignee_id, ticket.owner_id})
    assignees = owner_menu(actor)
    active = ticket.status in ACTIVE_STATUSES
    can_edit = may(lambda: selectors.ticket_for_write(actor=actor, pk=ticket.pk))
    return render(request, "service/ticket_detail.html", {
        "ticket": ticket, "account": ticket.account, "contact": contact,
        "custom_block": custom_view.detail_block("ticket", ticket, actor),
        "assignee_name": names.get(ticket.assignee_id, ""), "owner_name": names.get(ticket.owner_id, ""),
        "response_countdown": (countdown(ticket.first_response_due_at, now)
                               if active and ticket.first_responded_at is None else None),
        "resolution_countdown": countdown(ticket.resolution_due_at, now) if active else None,
        "countdown_words": countdown_formats(),
        "can_edit": can_edit,
        "can_respond": can_edit and active,
        "can_resolve": can_edit and active,
        "can_close": can_edit and ticket.status != Ticket.Status.CLOSED,
        "can_reopen": can_edit and not active,
        "can_rate": can_edit and ticket.resolved_at is not None,
        "action_form": bound.get("action_form") or forms.ActionForm(),
        "failed_action": bound.get("failed_action", ""),
        "resolve_form": bound.get("resolve_form") or forms.ResolveForm(prefix="resolve"),
        "rate_form": bound.get("rate_form") or forms.RateForm(
            prefix="rate", initial={"score": ticket.satisfaction or "", "comment": ticket.satisfaction_comment}),
        "assign_form": bound.get("assign_form") or forms.AssignForm(
            prefix="assign", assignees=assignees, initial={"assignee": ticket.assignee_id or ""}),
    }, status=status)


@login_required
@require_safe
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_page(request, pk)


def _action(request: HttpRequest, pk: int, *, form, form_key: str, done: str,
            call: Callable[[Ticket, dict[str, Any]], Ticket]) -> HttpResponse:
    """One POSTed action: the ticket in the user's scope (else 404), the service, then the page again."""
    ticket = selectors.ticket_for_read(actor=request.user, pk=pk)
    saved = run_service(form, lambda data: call(ticket, data))
    if saved is not None:
        messages.success(request, done)
        return redirect("service:ticket_detail", pk=ticket.pk)
    return _ticket_page(request, ticket.pk, status=400, failed_action=form_key, **{form_key: form})


@login_required
@require_POST
def ticket_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, form=forms.ActionForm(request.POST), form_key="action_form",
                   done=_("The response is recorded."),
                   call=lambda ticket, data: services.ticket_respond(actor=request.user, ticket=ticket))


@login_required
@require_POST
def ticket_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, form=forms.ResolveForm(request.POST, prefix="resolve"), form_key="resolve_form",
                   done=_("The ticket is resolved."),
                   call=lambda ticket, data: services.ticket_resolve(actor=request.user, ticket=ticket,
                                                                     resolution=data["resolution"]))


@login_required
@require_POST
def ticket_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, form=forms.ActionForm(request.POST), form_key="action_form",
                   done=_("The ticket is closed."),
                   call=lambda ticket, data: services.ticket_close(actor=request.user, ticket=ticket))


@login_required
@require_POST
def ticket_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, form=forms.ActionForm(request.POST), form_key="action_form",
                   done=_("The ticket is open again."),
                   call=lambda ticket, data: services.ticket_reopen(actor=request.user, ticket=ticket))


@login_required
@require_POST
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.AssignForm(request.POST, prefix="assign", assignees=owner_menu(request.user))
    return _action(request, pk, form=form, form_key="assign_form", done=_("The assignee is saved."),
                   call=lambda ticket, data: services.ticket_assign(actor=request.user, ticket=ticket,
                                                                    assignee=data["assignee"]))


@login_required
@require_POST
def ticket_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, form=forms.RateForm(request.POST, prefix="rate"), form_key="rate_form",
                   done=_("The customer's satisfaction is recorded."),
                   call=lambda ticket, data: services.ticket_rate(actor=request.user, ticket=ticket,
                                                                  score=data["score"], comment=data["comment"]))


# --- create and edit ------------------------------------------------------------------------------

def _intake(request: HttpRequest) -> dict[str, Any] | None:
    """The desk's caller lookup above the ticket form (exact phone, email or company name), if it may."""
    if access_of(request.user).role not in selectors.DESK_ROLES:
        return None
    query = request.GET.get("lookup", "").strip()
    found = services.intake_lookup(actor=request.user, query=query) if query else []
    return {"query": query, "found": found, "searched": bool(query)}


def _menu_with(actor, menu: list[tuple[int, str]], pk: int | None) -> list[tuple[int, str]]:
    """Add the chosen account when the ticket service would take it (e.g. one the desk looked up)."""
    if pk and pk not in {k for k, _name in menu}:
        try:
            account = selectors.account_for_ticket(actor=actor, pk=pk)
        except (ValidationError, PermissionDenied, Http404):
            return menu
        menu = [*menu, (account.pk, account.name)]
    return menu


@login_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    preset = request.GET.get("account", "")
    chosen = request.POST.get("account", preset) if request.method == "POST" else preset
    menu = _account_menu(actor, int(preset) if preset.isdigit() else None)
    menu = _menu_with(actor, menu, int(chosen) if str(chosen).isdigit() else None)
    form = forms.TicketForm(request.POST or None, actor=actor, accounts=menu,
                            contacts=records_selectors.contact_menu(actor), assignees=owner_menu(actor),
                            initial={"account": preset, "channel": Ticket.Channel.PHONE,
                                     "priority": Ticket.Priority.NORMAL})
    if request.method == "POST":
        ticket = run_service(form, lambda data: services.ticket_create(actor=actor, data=data))
        if ticket is not None:
            messages.success(request, _("Ticket #%(id)s is opened.") % {"id": ticket.pk})
            return redirect("service:ticket_detail", pk=ticket.pk)
    cancel = reverse("records:account_detail", args=[preset]) if preset.isdigit() else reverse("service:ticket_queue")
    return form_page(request, form, title=_("New ticket"), cancel_url=cancel, intake=_intake(request),
                      template="service/ticket_form.html")


@login_required
def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    ticket = selectors.ticket_for_write(actor=actor, pk=pk)
    form = forms.TicketForm(request.POST or None, actor=actor, instance=ticket,
                            accounts=_account_menu(actor, ticket.account_id),
                            contacts=records_selectors.contact_menu(actor), assignees=owner_menu(actor),
                            initial=forms.TicketForm.initial_for(ticket))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.ticket_update(actor=actor, ticket=ticket, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("service:ticket_detail", pk=ticket.pk)
    return form_page(request, form, title=_("Edit ticket #%(id)s") % {"id": ticket.pk},
                      cancel_url=reverse("service:ticket_detail", args=[ticket.pk]))
