"""Web pages of tasks and activities: my tasks, overdue tasks, the task and activity forms.

Thin views over core.activities.selectors and services, like core.records.views: reads are scoped
(a task the user may not see is the same 404 as one that does not exist), writes are the services
the API calls, and a refusal is shown next to the field it names.

A task or an activity may be visible while the record it hangs under is not (a task given to you on a
colleague's account): the names of linked records are looked up through the records' selectors, so
such a link shows no name.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access.people import owner_menu, user_names
from core.access.scoping import access_of, may
from core.api.errors import ApplicationError
from core.customization import custom_view
from core.records import selectors as records_selectors
from core.web.pages import delete_page, error_text, run_service, safe_next

from . import forms, selectors, services
from .models import Activity, Task

PAGE_SIZE = 50
MENU_LIMIT = 500
KIND_ICONS = {Activity.Kind.CALL: "📞", Activity.Kind.MEETING: "👥", Activity.Kind.VISIT: "🚗",
              Activity.Kind.EMAIL: "✉️", Activity.Kind.WECHAT: "💬", Activity.Kind.NOTE: "📝"}


def _deal_menu(actor) -> list[tuple[int, str]]:
    rows = records_selectors.deals(actor=actor).order_by("-id").values_list("pk", "name", "account__name")
    return [(pk, f"{name} · {account}") for pk, name, account in rows[:MENU_LIMIT]]


def _link_names(actor, rows: list[Task] | list[Activity]) -> None:
    """Attach `account_name`, `contact_name`, `deal_name` from what the actor may see: three queries at most."""
    lookups = {"account": records_selectors.accounts(actor=actor), "contact": records_selectors.contacts(actor=actor),
               "deal": records_selectors.deals(actor=actor)}
    for link, qs in lookups.items():
        ids = {getattr(row, f"{link}_id") for row in rows} - {None}
        names = dict(qs.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        for row in rows:
            setattr(row, f"{link}_name", names.get(getattr(row, f"{link}_id"), ""))


def form_page(request: HttpRequest, form, *, title: str, cancel_url: str, testid: str) -> HttpResponse:
    return render(request, "web/form.html", {"form": form, "title": title, "cancel_url": cancel_url,
                                                 "testid": testid}, status=400 if form.errors else 200)


def with_icons(activities: list[Activity]) -> list[Activity]:
    for activity in activities:
        activity.icon = KIND_ICONS.get(activity.kind, "•")
    return activities


def account_activities_context(request: HttpRequest, ctx) -> dict[str, Any]:
    """What the activities block of the account page needs (its 360 panel, core.activities.panels).

    The 360 view already holds the account's contacts and deals: the names of linked ones and the menus
    of the "log an activity" form come from there, authors from one query — none per row.
    """
    actor, account = request.user, ctx.account
    activities = with_icons(ctx["activities"])
    contacts = {contact.pk: contact.name for contact in ctx.get("contacts", [])}
    deals = {deal.pk: deal.name for deal in ctx.get("deals", [])}
    names = user_names(actor, {a.author_id for a in activities})
    for activity in activities:
        activity.contact_name = contacts.get(activity.contact_id, "")
        activity.deal_name = deals.get(activity.deal_id, "")
        activity.author_name = names.get(activity.author_id, "")
    custom_view.attach_blocks("activity", activities, actor)
    form = None
    if _account_writable(ctx) and services.may_log_activities(actor):
        form = forms.ActivityForm(prefix="log", actor=actor, fixed_account=True, accounts=[(account.pk, account.name)],
                                  contacts=list(contacts.items()),
                                  deals=[(deal.pk, deal.name) for deal in ctx.get("deals", []) if deal.stage_kind == "open"],
                                  initial={"kind": Activity.Kind.CALL, "account": account.pk})
    return {"activities": activities, "activity_form": form, "now": timezone.now()}


def account_tasks_context(request: HttpRequest, ctx) -> dict[str, Any]:
    """What the open tasks block of the account page needs (its 360 panel)."""
    actor = request.user
    open_tasks = [task for task in ctx["tasks"] if not task.done]
    contacts = {contact.pk: contact.name for contact in ctx.get("contacts", [])}
    deals = {deal.pk: deal.name for deal in ctx.get("deals", [])}
    names = user_names(actor, {t.assignee_id for t in open_tasks})
    for task in open_tasks:
        task.contact_name = contacts.get(task.contact_id, "")
        task.deal_name = deals.get(task.deal_id, "")
        task.assignee_name = names.get(task.assignee_id, "")
    return {"open_tasks": open_tasks, "now": timezone.now(),
            "can_add_tasks": _account_writable(ctx) and access_of(actor).can_write()}


def _account_writable(ctx) -> bool:
    """Whether the services will let the reader link new rows to this account (asked once per page)."""
    if "account_writable" not in ctx.data:
        ctx.data["account_writable"] = may(
            lambda: records_selectors.account_for_write(actor=ctx.actor, pk=ctx.account.pk))
    return ctx.data["account_writable"]


# --- tasks ----------------------------------------------------------------------------------------

def _task_list(request: HttpRequest, qs, *, title: str, overdue: bool) -> HttpResponse:
    actor = request.user
    page = Paginator(qs.select_related("assignee"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _link_names(actor, rows)
    return render(request, "activities/task_list.html", {
        "page": page, "rows": rows, "title": title, "overdue_page": overdue, "now": timezone.now(),
        "can_create": access_of(actor).can_write(),
    })


@login_required
@require_safe
def my_tasks(request: HttpRequest) -> HttpResponse:
    return _task_list(request, selectors.my_tasks(actor=request.user), title=_("My tasks"), overdue=False)


@login_required
@require_safe
def overdue_tasks(request: HttpRequest) -> HttpResponse:
    return _task_list(request, selectors.overdue_tasks(actor=request.user), title=_("Overdue tasks"), overdue=True)


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a task done through task_complete; from htmx, answer the row in its done state."""
    actor = request.user
    task = selectors.task_for_read(actor=actor, pk=pk)
    try:
        task = services.task_complete(actor=actor, task=task)
    except (ValidationError, ApplicationError) as error:
        if getattr(request, "htmx", False):
            return HttpResponse(error_text(error), status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, error_text(error))
    else:
        if getattr(request, "htmx", False):
            return render(request, "activities/_task_done.html", {"task": task})
        messages.success(request, _("“%(title)s” is done.") % {"title": task.title})
    return HttpResponseRedirect(safe_next(request, reverse("activities:my_tasks")))


def _task_form(request: HttpRequest, *, instance: Task | None, initial: dict[str, Any]) -> forms.TaskForm:
    actor = request.user
    current = instance.account_id if instance else (int(initial["account"]) if initial.get("account") else None)
    return forms.TaskForm(request.POST or None, instance=instance, initial=initial, assignees=owner_menu(actor),
                          accounts=records_selectors.account_menu(actor, current), contacts=records_selectors.contact_menu(actor),
                          deals=_deal_menu(actor))


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    preset = request.GET.get("account", "")
    form = _task_form(request, instance=None, initial={"assignee": actor.pk,
                                                       "account": preset if preset.isdigit() else ""})
    if request.method == "POST":
        task = run_service(form, lambda data: services.task_create(actor=actor, data=data))
        if task is not None:
            messages.success(request, _("Task “%(title)s” is created.") % {"title": task.title})
            if preset.isdigit():
                return redirect("records:account_detail", pk=int(preset))
            return redirect("activities:my_tasks")
    cancel = reverse("records:account_detail", args=[preset]) if preset.isdigit() else reverse("activities:my_tasks")
    return form_page(request, form, title=_("New task"), cancel_url=cancel, testid="task-form")


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    task = selectors.task_for_write(actor=actor, pk=pk)
    form = _task_form(request, instance=task, initial=forms.TaskForm.initial_for(task))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.task_update(actor=actor, task=task, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("activities:my_tasks")
    return form_page(request, form, title=_("Edit task “%(title)s”") % {"title": task.title},
                      cancel_url=reverse("activities:my_tasks"), testid="task-form")


@login_required
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    task = selectors.task_for_write(actor=actor, pk=pk)
    return delete_page(request, record=task, title=_("Delete task"),
                        call=lambda: services.task_delete(actor=actor, task=task),
                        done_url=reverse("activities:my_tasks"), cancel_url=reverse("activities:my_tasks"))


# --- activities -----------------------------------------------------------------------------------

def _activity_done_url(request: HttpRequest, activity: Activity) -> str:
    default = (reverse("records:account_detail", args=[activity.account_id]) + "#activities"
               if activity.account_id else reverse("activities:my_tasks"))
    return safe_next(request, default)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    """Log a call, a visit, … — the account page's short form posts here (prefix "log") as well."""
    actor = request.user
    preset = request.GET.get("account", "")
    account_id = int(preset) if preset.isdigit() else None
    prefix = "log" if request.POST.get("log-kind") is not None else None
    form = forms.ActivityForm(request.POST or None, actor=actor, prefix=prefix,
                              accounts=records_selectors.account_menu(actor, account_id),
                              contacts=records_selectors.contact_menu(actor), deals=_deal_menu(actor),
                              initial={"kind": Activity.Kind.CALL, "account": preset if account_id else ""})
    if request.method == "POST":
        activity = run_service(form, lambda data: services.activity_create(actor=actor, data=data))
        if activity is not None:
            messages.success(request, _("“%(subject)s” is logged.") % {"subject": activity.subject})
            return HttpResponseRedirect(_activity_done_url(request, activity))
    cancel = reverse("records:account_detail", args=[account_id]) if account_id else reverse("activities:my_tasks")
    return form_page(request, form, title=_("Log an activity"), cancel_url=cancel, testid="activity-form")


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    activity = selectors.activity_for_write(actor=actor, pk=pk)
    form = forms.ActivityForm(request.POST or None, actor=actor, instance=activity,
                              accounts=records_selectors.account_menu(actor, activity.account_id), contacts=records_selectors.contact_menu(actor),
                              deals=_deal_menu(actor), initial=forms.ActivityForm.initial_for(activity))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.activity_update(actor=actor, activity=activity, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(_activity_done_url(request, saved))
    cancel = _activity_done_url(request, activity)
    return form_page(request, form, title=_("Edit activity"), cancel_url=cancel, testid="activity-form")


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    activity = selectors.activity_for_write(actor=actor, pk=pk)
    done = _activity_done_url(request, activity)
    return delete_page(request, record=activity, title=_("Delete activity"),
                        call=lambda: services.activity_delete(actor=actor, activity=activity),
                        done_url=done, cancel_url=done)
