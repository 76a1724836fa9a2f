"""Web pages of leads: the list, a lead's page with qualify / disqualify / convert, the lead form.

Thin views over core.leads.selectors and services, like core.records.views: a lead the user may not
see is the same 404 as one that does not exist; every change is the service the API calls, and its
refusal (a field error, or the 409 of a lead converted already) is shown on the form that asked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access.people import assignable_owners, owner_menu
from core.access.scoping import access_of, may
from core.api.errors import ApplicationError
from core.audit.services import audit_record
from core.customization import custom_view
from core.customization.query_rules import query_rules
from core.records import selectors as records_selectors
from core.web.forms import add_service_errors
from core.web.pages import delete_page, error_text, first_page_query, keyset_page, run_service

from . import filters, forms, selectors, services
from .fields import LEAD_FIELDS
from .models import Lead
from .serializers import lead_out

LEAD_PROFILE = ("company", "title", "phones", "emails", "source", "grade", "score", "disqualified_reason")


def form_page(request: HttpRequest, form, *, title: str, cancel_url: str, testid: str = "lead-form",
               status: int | None = None) -> HttpResponse:
    return render(request, "web/form.html", {"form": form, "title": title, "cancel_url": cancel_url,
                                                 "testid": testid},
                  status=status or (400 if form.errors else 200))


def _profile(out: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, shown value) of the filled-in fields of a serialized (masked) lead."""
    rows = []
    for key in LEAD_PROFILE:
        value = out.get(key)
        if value in (None, "", [], 0) and key != "score":
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        rows.append((key, str(LEAD_FIELDS[key].label), shown))
    return rows


# --- list -----------------------------------------------------------------------------------------

@login_required
@require_safe
def lead_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    custom = custom_view.CustomList("lead", actor)
    rules = query_rules("lead", actor)  # a field the role may not read is neither offered nor used
    filter_form = custom.add_filters(rules.offered(
        forms.LeadFilterForm(request.GET or None, owners=owner_menu(actor)), filters.LeadFilter))
    qs = filters.LeadFilter(rules.usable(request.GET, filters.LeadFilter), queryset=selectors.leads(actor=actor)).qs
    qs = custom.filter(qs, request.GET, filter_form)
    query = request.GET.get("q", "").strip()
    if query:
        qs = records_selectors.search(qs, query, actor=actor, text_fields=("company", "name"))
    rows, next_query = keyset_page(request, qs.select_related("owner"))
    access = access_of(actor)
    return render(request, "leads/lead_list.html", {
        "rows": [(lead, lead_out(lead, access)) for lead in custom.attach(rows)],
        "filter_form": filter_form, "custom_columns": custom.columns,
        "next_query": next_query, "first_query": first_page_query(request),
        "can_create": access.can_write(),
    })


# --- one lead -------------------------------------------------------------------------------------

def _lead_page(request: HttpRequest, pk: int, *, status: int = 200, disqualify_form=None,
               action_error: str = "") -> HttpResponse:
    actor = request.user
    lead = selectors.lead_for_read(actor=actor, pk=pk)
    if status == 200:
        audit_record(actor=actor, action="view", entity="lead", record=lead, record_label=str(lead))
    out = lead_out(lead, access_of(actor))
    converted = {}
    if lead.converted_at is not None:  # what it became, as far as the user may see it
        for key, qs, pk_ in (("account", records_selectors.accounts(actor=actor), lead.converted_account_id),
                             ("contact", records_selectors.contacts(actor=actor), lead.converted_contact_id),
                             ("deal", records_selectors.deals(actor=actor), lead.converted_deal_id)):
            converted[key] = qs.filter(pk=pk_).first() if pk_ else None
    can_edit = lead.converted_at is None and may(lambda: selectors.lead_for_write(actor=actor, pk=lead.pk))
    return render(request, "leads/lead_detail.html", {
        "lead": lead, "profile": _profile(out), "converted": converted,
        "custom_block": custom_view.detail_block("lead", lead, actor),
        "owner_name": lead.owner.name if lead.owner_id else "",
        "can_edit": can_edit,
        "can_qualify": can_edit and lead.status != Lead.Status.QUALIFIED,
        "can_disqualify": can_edit and lead.status != Lead.Status.DISQUALIFIED,
        "can_convert": can_edit and lead.status == Lead.Status.QUALIFIED,
        "disqualify_form": disqualify_form or forms.DisqualifyForm(),
        "action_error": action_error,
    }, status=status)


@login_required
@require_safe
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _lead_page(request, pk)


def _status_of(error: Exception) -> int:
    return error.status_code if isinstance(error, ApplicationError) else 400


@login_required
@require_POST
def lead_qualify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    lead = selectors.lead_for_read(actor=actor, pk=pk)
    try:
        services.lead_qualify(actor=actor, lead=lead)
    except (ValidationError, ApplicationError) as error:
        return _lead_page(request, lead.pk, status=_status_of(error), action_error=error_text(error))
    messages.success(request, _("“%(name)s” is qualified: it can be converted now.") % {"name": lead})
    return redirect("leads:lead_detail", pk=lead.pk)


@login_required
@require_POST
def lead_disqualify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    lead = selectors.lead_for_read(actor=actor, pk=pk)
    form = forms.DisqualifyForm(request.POST)
    saved = run_service(form, lambda data: services.lead_disqualify(actor=actor, lead=lead,
                                                                     reason=data["disqualified_reason"]))
    if saved is None:
        return _lead_page(request, lead.pk, status=400, disqualify_form=form)
    messages.success(request, _("“%(name)s” is disqualified.") % {"name": lead})
    return redirect("leads:lead_detail", pk=lead.pk)


@login_required
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Convert once: the service locks the lead, so a second attempt gets its 409 message and creates nothing."""
    actor = request.user
    lead = selectors.lead_for_read(actor=actor, pk=pk)
    form = forms.ConvertForm(request.POST or None, accounts=records_selectors.account_menu(actor))
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_convert(actor=actor, lead=lead, **form.service_data())
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
            status = _status_of(error)
        else:
            messages.success(request, _("“%(name)s” is converted.") % {"name": lead})
            return redirect("leads:lead_detail", pk=lead.pk)
    return form_page(request, form, title=_("Convert %(name)s") % {"name": lead},
                      cancel_url=reverse("leads:lead_detail", args=[lead.pk]), testid="convert-form", status=status)


# --- create, edit, delete -------------------------------------------------------------------------

@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = forms.LeadForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                          initial={"owner": actor.pk, "status": Lead.Status.NEW})
    if request.method == "POST":
        lead = run_service(form, lambda data: services.lead_create(actor=actor, data=data))
        if lead is not None:
            messages.success(request, _("Lead “%(name)s” is created.") % {"name": lead})
            return redirect("leads:lead_detail", pk=lead.pk)
    return form_page(request, form, title=_("New lead"), cancel_url=reverse("leads:lead_list"))


@login_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    lead = selectors.lead_for_write(actor=actor, pk=pk)
    form = forms.LeadForm(request.POST or None, actor=actor, owners=assignable_owners(actor), instance=lead,
                          initial=forms.LeadForm.initial_for(lead))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.lead_update(actor=actor, lead=lead, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("leads:lead_detail", pk=lead.pk)
    return form_page(request, form, title=_("Edit %(name)s") % {"name": lead},
                      cancel_url=reverse("leads:lead_detail", args=[lead.pk]))


@login_required
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    lead = selectors.lead_for_write(actor=actor, pk=pk)
    return delete_page(request, record=lead, title=_("Delete lead"),
                        call=lambda: services.lead_delete(actor=actor, lead=lead),
                        done_url=reverse("leads:lead_list"), cancel_url=reverse("leads:lead_detail", args=[lead.pk]))
