"""Web pages of accounts, contacts, deals and products: thin views over core.records.selectors and services.

Every read goes through a scoped selector (a record the user may not see is the same 404 as one that
does not exist); every write goes through the service the API calls, so the browser and the API
cannot disagree on permissions or validation. Templates only hide buttons; the server decides.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access.people import assignable_owners, owner_menu, user_names
from core.access.scoping import access_of, may
from core.api.errors import ApplicationError
from core.audit.services import audit_record
from core.customization import custom_view
from core.customization.history import readable_history
from core.customization.pipelines import (
    active_pipelines,
    default_pipeline,
    get_pipeline,
    stage_label,
    with_stage_labels,
)
from core.customization.query_rules import query_rules
from core.entities.registry import registry
from core.web.pages import (
    PAGE_SIZE,
    delete_page,
    error_text,
    first_page_query,
    form_page,
    keyset_page,
    run_service,
    safe_next,
)

from . import filters, forms, selectors, services
from .models import Account, Contact, Deal
from .serializers import account_out, contact_out

BOARD_COLUMN_LIMIT = 100  # cards per board column; the column header still counts them all
TIMELINE_LIMIT = 100
USER_FIELDS = ("owner", "owner_id")
# bookkeeping a stage move writes next to `stage`; the timeline shows the move itself instead
STAGE_BOOKKEEPING = ("stage", "stage_kind", "stage_entered_at", "closed_at")

CHOICE_LABELS = {"kind": Account.Kind, "status": Account.Status, "purchase_role": Contact.PurchaseRole,
                 "stage_kind": Deal.Kind}


# --- small helpers --------------------------------------------------------------------------------


def _money_by_currency(deals) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        totals[deal.currency] += deal.amount
    return sorted(totals.items())


def _display(field: str, value: Any, names: dict[int, str]) -> str:
    """How a history value reads on a timeline."""
    if value in (None, "", [], {}):
        return "—"
    if field in USER_FIELDS:
        return names.get(value, f"#{value}")
    if field.endswith("_id"):
        return f"#{value}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field in CHOICE_LABELS:
        try:
            return str(CHOICE_LABELS[field](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _field_label(entity: str, field: str) -> str:
    spec = registry.get(entity).fields
    key = field.removesuffix("_id")  # services store links as owner_id, account_id, contact_id
    return str(spec[key].label) if key in spec else field


def _timeline(actor, *, entity: str, history: list, deals: list[Deal]) -> list[dict[str, Any]]:
    """Field history of the record plus the stage moves of its deals, newest first."""
    stage_changes = [(deal, change) for deal in deals for change in deal.stage_changes.all()]
    ids = {row.actor_id for row in history} | {change.actor_id for _deal, change in stage_changes}
    ids |= {value for row in history if row.field in USER_FIELDS for value in (row.old_value, row.new_value)}
    ids |= custom_view.history_user_ids(entity, history)
    names = user_names(actor, ids)
    items: list[dict[str, Any]] = []
    for row in history:  # the fields one save changed share a moment: one entry listing them
        if row.field.startswith("custom."):  # by its label, as the role may read it (hidden: left out)
            shown = custom_view.history_change(entity, row.field, row.old_value, row.new_value, actor, names)
            if shown is None:
                continue
            change = {"field": row.field, "label": shown[0], "old": shown[1], "new": shown[2]}
        else:
            change = {"field": row.field, "label": _field_label(entity, row.field),
                      "old": _display(row.field, row.old_value, names),
                      "new": _display(row.field, row.new_value, names)}
        last = items[-1] if items else None
        if last and last["at"] == row.created_at and last["actor_id"] == row.actor_id:
            last["changes"].append(change)
            continue
        items.append({"at": row.created_at, "actor_id": row.actor_id, "kind": "field", "changes": [change],
                      "who": names.get(row.actor_id) or row.actor_label or "—"})
    for deal, change in stage_changes:
        items.append({
            "at": change.created_at, "who": names.get(change.actor_id, "—"), "kind": "stage", "deal": deal,
            "created": not change.from_stage,
            "old": stage_label(deal.pipeline, change.from_stage) if change.from_stage else "—",
            "new": stage_label(deal.pipeline, change.to_stage),
        })
    items.sort(key=lambda item: item["at"], reverse=True)
    return items[:TIMELINE_LIMIT]


def _profile(entity: str, out: dict[str, Any], keys: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(key, label, shown value) of the filled-in fields of a serialized (already masked) record."""
    return [(key, _field_label(entity, key), _display(key, out[key], {}))
            for key in keys if key in out and out[key] not in (None, "", [])]


ACCOUNT_PROFILE = ("kind", "level", "status", "industry", "source", "tags", "phones", "emails", "province", "city",
                   "district", "address", "website", "description", "billing_name", "tax_number", "bank_account")
CONTACT_PROFILE = ("title", "purchase_role", "phones", "emails", "wechat_id", "birthday")


def _reveal(request: HttpRequest, *, entity: str, pk: int, field: str, back_url: str) -> HttpResponse:
    """Unmask a field through the service (which audits it): an htmx fragment, or a small page."""
    try:
        value = services.record_reveal(actor=request.user, entity=entity, record_id=pk, field=field)
    except ValidationError as error:
        return HttpResponse(error_text(error), status=400, content_type="text/plain; charset=utf-8")
    except PermissionDenied as error:
        return HttpResponse(error_text(error), status=403, content_type="text/plain; charset=utf-8")
    values = value if isinstance(value, list) else [value]
    label = _field_label(entity, field)
    if field == "phones":
        shown = [(phone, _pretty_phone(phone)) for phone in values]
    elif field.startswith("custom."):
        label, text = custom_view.revealed(entity, field, value)
        shown = [(None, text)]
    else:
        shown = [(None, item) for item in values]
    context = {"field": field, "label": label, "values": shown, "back_url": back_url}
    if getattr(request, "htmx", False):
        return render(request, "records/_revealed.html", context)
    return render(request, "records/revealed_page.html", context)


def _pretty_phone(phone: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return phone


# --- home ----------------------------------------------------------------------------------------

@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.user
    open_deals = (selectors.deals(actor=actor).filter(owner=actor, stage_kind="open").order_by()
                  .values("currency").annotate(count=Count("pk"), total=Sum("amount")).order_by("currency"))
    open_deals = list(open_deals)
    return render(request, "records/home.html", {
        "open_deal_count": sum(row["count"] for row in open_deals),
        "open_deal_totals": [(row["currency"], row["total"]) for row in open_deals],
        "my_account_count": selectors.accounts(actor=actor).filter(owner=actor).count(),
        "pool_count": selectors.pool(actor=actor).count(),
    })


# --- accounts -------------------------------------------------------------------------------------

@login_required
@require_safe
def account_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    custom = custom_view.CustomList("account", actor)
    rules = query_rules("account", actor)  # a field the role may not read is neither offered nor used
    filter_form = custom.add_filters(rules.offered(
        forms.AccountFilterForm(request.GET or None, owners=owner_menu(actor)), filters.AccountFilter))
    qs = filters.AccountFilter(rules.usable(request.GET, filters.AccountFilter),
                               queryset=selectors.accounts(actor=actor)).qs
    qs = custom.filter(qs, request.GET, filter_form)
    query = request.GET.get("q", "").strip()
    if query:
        qs = selectors.search(qs, query, actor=actor)
    rows, next_query = keyset_page(request, qs.select_related("owner"))
    access = access_of(actor)
    return render(request, "records/account_list.html", {
        "rows": [(account, account_out(account, access)) for account in custom.attach(rows)],
        "filter_form": filter_form, "custom_columns": custom.columns,
        "next_query": next_query, "first_query": first_page_query(request),
        "can_create": access.can_write(),
    })


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    owners = assignable_owners(actor)
    form = forms.AccountForm(request.POST or None, actor=actor, owners=owners, initial={"owner": actor.pk})
    if request.method == "POST":
        account = run_service(form, lambda data: services.account_create(actor=actor, data=data))
        if account is not None:
            messages.success(request, _("Account “%(name)s” is created.") % {"name": account.name})
            return redirect("records:account_detail", pk=account.pk)
    return form_page(request, form, title=_("New account"), cancel_url=reverse("records:account_list"),
                      testid="account-form")


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_for_write(actor=actor, pk=pk)
    form = forms.AccountForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                             instance=account, initial=forms.AccountForm.initial_for(account))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.account_update(actor=actor, account=account, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("records:account_detail", pk=account.pk)
    return form_page(request, form, title=_("Edit %(name)s") % {"name": account.name},
                      cancel_url=reverse("records:account_detail", args=[account.pk]), testid="account-form")


@login_required
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_for_write(actor=actor, pk=pk)
    return delete_page(request, record=account, title=_("Delete account"),
                        call=lambda: services.account_delete(actor=actor, account=account),
                        done_url=reverse("records:account_list"),
                        cancel_url=reverse("records:account_detail", args=[account.pk]))


@login_required
@require_POST
def account_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    return _reveal(request, entity="account", pk=pk, field=field,
                   back_url=reverse("records:account_detail", args=[pk]))


@login_required
@require_POST
def account_reveal_custom(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _reveal(request, entity="account", pk=pk, field=f"custom.{key}",
                   back_url=reverse("records:account_detail", args=[pk]))


@login_required
@require_POST
def account_claim(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    pool_url = reverse("records:pool")
    try:
        account = selectors.account_for_read(actor=actor, pk=pk)
    except Http404:
        # claimed by someone else a moment ago, or never there: the same words either way
        messages.error(request, _("This account is not in the public pool any more."))
        return redirect(pool_url)
    try:
        services.account_claim(actor=actor, account=account)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(safe_next(request, pool_url))
    messages.success(request, _("“%(name)s” is yours now.") % {"name": account.name})
    return redirect("records:account_detail", pk=account.pk)


@login_required
@require_POST
def account_release(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = selectors.account_for_read(actor=actor, pk=pk)
    services.account_release(actor=actor, account=account)
    messages.success(request, _("“%(name)s” is back in the public pool.") % {"name": account.name})
    return redirect("records:pool")


@login_required
@require_safe
def pool(request: HttpRequest) -> HttpResponse:
    actor = request.user
    rules = query_rules("account", actor)
    qs = filters.AccountFilter(rules.usable(request.GET, filters.AccountFilter),
                               queryset=selectors.pool(actor=actor)).qs
    query = request.GET.get("q", "").strip()
    if query:
        qs = selectors.search(qs, query, actor=actor)
    rows, next_query = keyset_page(request, qs)
    return render(request, "records/pool.html", {
        "rows": rows, "filter_form": rules.offered(forms.PoolFilterForm(request.GET or None), filters.AccountFilter),
        "next_query": next_query, "first_query": first_page_query(request),
        "limit": settings.GUANXI_POOL_LIMIT,
    })


# --- contacts -------------------------------------------------------------------------------------

@login_required
@require_safe
def contact_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    custom = custom_view.CustomList("contact", actor)
    rules = query_rules("contact", actor)
    filter_form = custom.add_filters(rules.offered(
        forms.ContactFilterForm(request.GET or None, owners=owner_menu(actor)), filters.ContactFilter))
    qs = filters.ContactFilter(rules.usable(request.GET, filters.ContactFilter),
                               queryset=selectors.contacts(actor=actor)).qs
    qs = custom.filter(qs, request.GET, filter_form)
    query = request.GET.get("q", "").strip()
    if query:
        qs = selectors.search(qs, query, actor=actor)
    rows, next_query = keyset_page(request, qs.select_related("owner"))
    selectors.with_account_names(actor=actor, rows=rows)
    access = access_of(actor)
    return render(request, "records/contact_list.html", {
        "rows": [(contact, contact_out(contact, access)) for contact in custom.attach(rows)],
        "filter_form": filter_form, "custom_columns": custom.columns,
        "next_query": next_query, "first_query": first_page_query(request),
        "can_create": access.can_write(),
    })


@login_required
def contact_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    preset = request.GET.get("account", "")
    form = forms.ContactForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                             accounts=selectors.account_menu(actor, int(preset) if preset.isdigit() else None),
                             initial={"owner": actor.pk, "account": preset})
    if request.method == "POST":
        contact = run_service(form, lambda data: services.contact_create(actor=actor, data=data))
        if contact is not None:
            messages.success(request, _("Contact “%(name)s” is created.") % {"name": contact.name})
            return redirect("records:contact_detail", pk=contact.pk)
    cancel = reverse("records:account_detail", args=[preset]) if preset.isdigit() else reverse("records:contact_list")
    return form_page(request, form, title=_("New contact"), cancel_url=cancel, testid="contact-form")


@login_required
@require_safe
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    contact = selectors.record_for_read(actor=actor, entity="contact", pk=pk)
    audit_record(actor=actor, action="view", entity="contact", record=contact, record_label=str(contact))
    access = access_of(actor)
    account = selectors.accounts(actor=actor).filter(pk=contact.account_id).first() if contact.account_id else None
    deals = with_stage_labels(selectors.with_account_names(actor=actor, rows=list(
        selectors.deals(actor=actor).filter(contact=contact).select_related("contact").order_by("-id")[:PAGE_SIZE])))
    history = list(readable_history(actor=actor, entity="contact", record_id=contact.pk)[:TIMELINE_LIMIT])
    out = contact_out(contact, access)
    return render(request, "records/contact_detail.html", {
        "contact": contact, "profile": _profile("contact", out, CONTACT_PROFILE), "account": account,
        "custom_block": custom_view.detail_block("contact", contact, actor, reveal_url=(
            (lambda key: reverse("records:contact_reveal_custom", args=[contact.pk, key]))
            if access.may_reveal() and access.sees_contact_details() else None)),
        "deals": deals,
        "owner_name": contact.owner.name if contact.owner_id else "",
        "timeline": _timeline(actor, entity="contact", history=history, deals=[]),
        "can_edit": may(lambda: selectors.contact_for_write(actor=actor, pk=contact.pk)),
        "can_reveal_phones": bool(out.get("phones")) and access.may_reveal(),
    })


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    contact = selectors.contact_for_write(actor=actor, pk=pk)
    form = forms.ContactForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                             instance=contact,
                             accounts=selectors.account_menu(actor, contact.account_id),
                             initial=forms.ContactForm.initial_for(contact))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.contact_update(actor=actor, contact=contact, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("records:contact_detail", pk=contact.pk)
    return form_page(request, form, title=_("Edit %(name)s") % {"name": contact.name},
                      cancel_url=reverse("records:contact_detail", args=[contact.pk]), testid="contact-form")


@login_required
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    contact = selectors.contact_for_write(actor=actor, pk=pk)
    return delete_page(request, record=contact, title=_("Delete contact"),
                        call=lambda: services.contact_delete(actor=actor, contact=contact),
                        done_url=reverse("records:contact_list"),
                        cancel_url=reverse("records:contact_detail", args=[contact.pk]))


@login_required
@require_POST
def contact_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    return _reveal(request, entity="contact", pk=pk, field=field,
                   back_url=reverse("records:contact_detail", args=[pk]))


@login_required
@require_POST
def contact_reveal_custom(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _reveal(request, entity="contact", pk=pk, field=f"custom.{key}",
                   back_url=reverse("records:contact_detail", args=[pk]))


# --- deals ----------------------------------------------------------------------------------------

def _board_pipeline(request: HttpRequest):
    """The pipeline a board shows: ?pipeline=<key> (also on a move's form), else the default one."""
    key = request.GET.get("pipeline") or request.POST.get("pipeline") or ""
    pipeline = get_pipeline(key) if key else None
    return pipeline or default_pipeline()


def _board(request: HttpRequest, *, error: str = "") -> dict[str, Any]:
    """One pipeline's board: a column per stage in order, exact counts and totals, newest cards first."""
    actor = request.user
    pipeline = _board_pipeline(request)
    rules = query_rules("deal", actor)
    qs = filters.DealFilter(rules.usable(request.GET, filters.DealFilter),
                            queryset=selectors.deals(actor=actor).filter(pipeline=pipeline.key)).qs
    sums = qs.order_by().values("stage", "currency").annotate(count=Count("pk"), total=Sum("amount"))
    cards = (qs.select_related("owner")
             .annotate(rank=Window(RowNumber(), partition_by=[F("stage")], order_by=[F("id").desc()]))
             .filter(rank__lte=BOARD_COLUMN_LIMIT).order_by("stage", "rank"))
    by_stage: dict[str, list[Deal]] = defaultdict(list)
    for deal in selectors.with_account_names(actor=actor, rows=list(cards)):
        by_stage[deal.stage].append(deal)
    counts: dict[str, int] = defaultdict(int)
    totals: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in sums:
        counts[row["stage"]] += row["count"]
        totals[row["stage"]].append((row["currency"], row["total"] or Decimal("0")))
    columns = [{"stage": stage, "cards": by_stage[stage.key], "count": counts[stage.key],
                "totals": sorted(totals[stage.key]), "hidden": counts[stage.key] - len(by_stage[stage.key])}
               for stage in pipeline.stages]
    return {"columns": columns, "stages": pipeline.stages, "error": error, "pipeline": pipeline,
            "pipelines": active_pipelines(),
            "filter_form": rules.offered(forms.BoardFilterForm(request.GET or None, owners=owner_menu(actor)),
                                         filters.DealFilter),
            "can_create": access_of(actor).can_write()}


@login_required
@require_safe
def deal_board(request: HttpRequest) -> HttpResponse:
    return render(request, "records/deal_board.html", _board(request))


@login_required
@require_POST
def deal_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A card dropped on a column (or its "move to" menu): the same deal_move service as the API.

    From the board's script (header X-Requested-With: board) the answer is the re-rendered columns,
    or the reason in plain text with status 400/403; from a plain form post, a redirect or the board
    page with the reason in its alert.
    """
    actor = request.user
    deal = selectors.record_for_read(actor=actor, entity="deal", pk=pk)
    from_board = request.headers.get("X-Requested-With") == "board"
    try:
        services.deal_move(actor=actor, deal=deal, stage=request.POST.get("stage", ""),
                           reason=request.POST.get("reason", "").strip())
    except (ValidationError, ApplicationError, PermissionDenied) as error:
        status = 403 if isinstance(error, PermissionDenied) else 400
        if from_board:
            return HttpResponse(error_text(error), status=status, content_type="text/plain; charset=utf-8")
        return render(request, "records/deal_board.html", _board(request, error=error_text(error)), status=status)
    if from_board:
        return render(request, "records/_board_columns.html", _board(request))
    messages.success(request, _("“%(name)s” moved to %(stage)s.") % {
        "name": deal.name, "stage": stage_label(deal.pipeline, request.POST.get("stage", ""))})
    board = reverse("records:deal_board") + f"?pipeline={_board_pipeline(request).key}"
    return HttpResponseRedirect(safe_next(request, board))


@login_required
@require_safe
def deal_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    custom = custom_view.CustomList("deal", actor)
    rules = query_rules("deal", actor)
    filter_form = custom.add_filters(rules.offered(
        forms.DealFilterForm(request.GET or None, owners=owner_menu(actor)), filters.DealFilter))
    qs = filters.DealFilter(rules.usable(request.GET, filters.DealFilter), queryset=selectors.deals(actor=actor)).qs
    qs = custom.filter(qs, request.GET, filter_form)
    query = request.GET.get("q", "").strip()
    if query and rules.reads("name"):
        qs = qs.filter(name__icontains=query)
    rows, next_query = keyset_page(request, qs.select_related("owner"))
    selectors.with_account_names(actor=actor, rows=rows)
    return render(request, "records/deal_list.html", {
        "rows": with_stage_labels(custom.attach(rows)),
        "filter_form": filter_form, "custom_columns": custom.columns,
        "next_query": next_query, "first_query": first_page_query(request),
        "can_create": access_of(actor).can_write(),
    })


@login_required
def deal_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    preset = request.GET.get("account", "")
    form = forms.DealForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                          accounts=selectors.account_menu(actor, int(preset) if preset.isdigit() else None),
                          contacts=selectors.contact_menu(actor),
                          initial={"owner": actor.pk, "account": preset, "currency": "CNY",
                                   "stage": default_pipeline().first_stage.key})
    if request.method == "POST":
        deal = run_service(form, lambda data: services.deal_create(actor=actor, data=data))
        if deal is not None:
            messages.success(request, _("Deal “%(name)s” is created.") % {"name": deal.name})
            return redirect("records:deal_detail", pk=deal.pk)
    cancel = reverse("records:account_detail", args=[preset]) if preset.isdigit() else reverse("records:deal_board")
    return form_page(request, form, title=_("New deal"), cancel_url=cancel, testid="deal-form")


@login_required
@require_safe
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    deal = selectors.record_for_read(actor=actor, entity="deal", pk=pk)
    audit_record(actor=actor, action="view", entity="deal", record=deal, record_label=str(deal))
    deal = with_stage_labels([deal])[0]
    history = list(readable_history(actor=actor, entity="deal", record_id=deal.pk)
                   .exclude(field__in=STAGE_BOOKKEEPING)[:TIMELINE_LIMIT])
    contact = selectors.contacts(actor=actor).filter(pk=deal.contact_id).first() if deal.contact_id else None
    account = selectors.accounts(actor=actor).filter(pk=deal.account_id).first()  # None: not the reader's to see
    return render(request, "records/deal_detail.html", {
        "deal": deal, "account": account, "contact": contact,
        "stages": (get_pipeline(deal.pipeline) or default_pipeline()).stages,
        "owner_name": deal.owner.name if deal.owner_id else "",
        "custom_block": custom_view.detail_block("deal", deal, actor),
        "timeline": _timeline(actor, entity="deal", history=history, deals=[deal]),
        "can_edit": may(lambda: selectors.deal_for_write(actor=actor, pk=deal.pk)),
    })


@login_required
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    deal = selectors.deal_for_write(actor=actor, pk=pk)
    form = forms.DealForm(request.POST or None, actor=actor, owners=assignable_owners(actor), instance=deal,
                          accounts=selectors.account_menu(actor, deal.account_id), contacts=selectors.contact_menu(actor),
                          initial=forms.DealForm.initial_for(deal))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.deal_update(actor=actor, deal=deal, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("records:deal_detail", pk=deal.pk)
    return form_page(request, form, title=_("Edit %(name)s") % {"name": deal.name},
                      cancel_url=reverse("records:deal_detail", args=[deal.pk]), testid="deal-form")


@login_required
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    deal = selectors.deal_for_write(actor=actor, pk=pk)
    return delete_page(request, record=deal, title=_("Delete deal"),
                        call=lambda: services.deal_delete(actor=actor, deal=deal),
                        done_url=reverse("records:deal_board"),
                        cancel_url=reverse("records:deal_detail", args=[deal.pk]))


# --- products -------------------------------------------------------------------------------------

@login_required
@require_safe
def product_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    qs = filters.ProductFilter(request.GET, queryset=selectors.products(actor=actor)).qs
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(sku__icontains=query))
    page = Paginator(qs.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "records/product_list.html", {
        "page": page, "query": query_without_page.urlencode(),
        "filter_form": forms.ProductFilterForm(request.GET or None),
        "can_manage": access_of(actor).full,
    })


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = forms.ProductForm(request.POST or None, initial={"currency": "CNY", "active": True})
    if request.method == "POST":
        product = run_service(form, lambda data: services.product_create(actor=actor, data=data))
        if product is not None:
            messages.success(request, _("Product “%(name)s” is created.") % {"name": product.name})
            return redirect("records:product_list")
    return form_page(request, form, title=_("New product"), cancel_url=reverse("records:product_list"),
                      testid="product-form")


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    product = selectors.record_for_read(actor=actor, entity="product", pk=pk)
    form = forms.ProductForm(request.POST or None, instance=product, initial=forms.ProductForm.initial_for(product))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.product_update(actor=actor, product=product, data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("records:product_list")
    return form_page(request, form, title=_("Edit %(name)s") % {"name": product.name},
                      cancel_url=reverse("records:product_list"), testid="product-form")


# --- search ---------------------------------------------------------------------------------------

SEARCH_LIMIT = 20


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    actor = request.user
    query = request.GET.get("q", "").strip()[:100]
    results: dict[str, list] = {"accounts": [], "contacts": [], "deals": []}
    if query:
        results["accounts"] = list(selectors.search(selectors.accounts(actor=actor), query, actor=actor)
                                   .select_related("owner").order_by("-id")[:SEARCH_LIMIT])
        results["contacts"] = selectors.with_account_names(actor=actor, rows=list(
            selectors.search(selectors.contacts(actor=actor), query, actor=actor).order_by("-id")[:SEARCH_LIMIT]))
        results["deals"] = with_stage_labels(selectors.with_account_names(actor=actor, rows=list(
            selectors.deals(actor=actor).filter(name__icontains=query).order_by("-id")[:SEARCH_LIMIT])))
    return render(request, "records/search.html", {"query": query, **results,
                                                   "found": any(results.values())})


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    from .saved_views import list_page_or_home
    from .saved_views import saved_view_save as save

    path = request.POST.get("path", "")
    try:
        view = save(actor=request.user, path=path, name=request.POST.get("name", ""),
                    query=request.POST.get("query", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(list_page_or_home(path))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{list_page_or_home(view.path)}?{view.query}")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from .saved_views import saved_view_delete as delete

    delete(actor=request.user, view_id=pk)
    target = request.META.get("HTTP_REFERER", "/")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/")
