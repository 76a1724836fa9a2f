"""What every app's web pages share: running a service from a form, pages of rows, delete pages.

Views stay thin: a form collects input, `run_service` hands it to the service the API calls and shows
its refusal next to the fields it names; reads come from scoped selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.api.errors import ApplicationError

from .forms import add_service_errors

PAGE_SIZE = 50


def error_text(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or _("You do not have permission to do this.")


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def keyset_page(request: HttpRequest, qs: QuerySet) -> tuple[list, str | None]:
    """Newest first, PAGE_SIZE rows, one query whatever the page: `?after=<last id of the previous page>`."""
    after = request.GET.get("after", "")
    if after.isdigit():
        qs = qs.filter(pk__lt=int(after))
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    next_query = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        query = request.GET.copy()
        query["after"] = str(rows[-1].pk)
        next_query = query.urlencode()
    return rows, next_query


def first_page_query(request: HttpRequest) -> str | None:
    if "after" not in request.GET:
        return None
    query = request.GET.copy()
    del query["after"]
    return query.urlencode()


def run_service(form: forms.Form, call: Callable[[dict[str, Any]], Any]) -> Any:
    """Hand the form's data to the service; a refusal becomes errors next to the fields it names."""
    if not form.is_valid():
        return None
    try:
        return call(form.service_data())
    except ApplicationError as error:
        if error.code == "stale_version" and hasattr(form, "show_conflict"):
            form.show_conflict(error)  # someone saved meanwhile: show what, keep the input
        else:
            add_service_errors(form, error)
        return None
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def form_page(request: HttpRequest, form, *, title: str, cancel_url: str, testid: str) -> HttpResponse:
    return render(request, "web/form.html", {"form": form, "title": title, "cancel_url": cancel_url,
                                                 "testid": testid}, status=400 if form.errors else 200)


def delete_page(request: HttpRequest, *, record, title: str, call: Callable[[], None], done_url: str,
                 cancel_url: str) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            call()
        except (ValidationError, ApplicationError) as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("“%(name)s” is deleted.") % {"name": record})
            return redirect(done_url)
    return render(request, "web/confirm_delete.html",
                  {"record": record, "title": title, "error": error, "cancel_url": cancel_url},
                  status=400 if error else 200)
