"""Every change to campaigns, their members and attributed deals: one function per use case.

Campaign fields go through the records' one write path (core.writepath.save.save_record: permission,
validation, field history, audit, event). Member and deal links are written here under a row lock on the
campaign, each change with an audit entry on the campaign and a `guanxi_record_saved` event after commit.
Who may do what is decided in core.campaigns.selectors (see its docstring).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access.scoping import access_of, access_record, require
from core.entities.fields import clean
from core.entities.search import record_tokens
from core.entities.trail import record_trail
from core.leads.selectors import leads
from core.records import selectors as records_selectors
from core.records.services import resolve_owner
from core.users.models import User
from core.writepath.save import delete_record, lock_record, save_record

from . import selectors
from .fields import CAMPAIGN_FIELDS
from .models import Campaign, CampaignDeal, CampaignMember

MAX_MEMBERS_PER_CALL = 1000


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _campaign_tokens(campaign: Campaign) -> None:
    campaign.search_tokens = record_tokens(texts=[campaign.name], phones=[])


def _check(cleaned: dict[str, Any], campaign: Campaign | None) -> None:
    """Checks across fields and against the stored campaign: non-empty choices, end ≥ start, currency in use."""
    for name in ("channel", "status", "currency", "start_date"):
        if name in cleaned and not cleaned[name]:
            raise _field_error(name, _("%(field)s is required.") % {"field": CAMPAIGN_FIELDS[name].label},
                               "required")
    if "budget" in cleaned and cleaned["budget"] is None:  # an emptied budget is "no spend"
        cleaned["budget"] = Decimal("0.00")
    start = cleaned.get("start_date", campaign.start_date if campaign else None)
    end = cleaned.get("end_date", campaign.end_date if campaign else None)
    if start and end and end < start:
        raise _field_error("end_date", _("The end date cannot be before the start date."), "before_start")
    if (campaign is not None and cleaned.get("currency", campaign.currency) != campaign.currency
            and CampaignDeal.objects.filter(campaign=campaign).exclude(deal__currency=cleaned["currency"]).exists()):
        raise _field_error("currency", _("Deals in %(currency)s are attributed to this campaign; its currency "
                                         "must stay the same so its ROI adds up.") % {"currency": campaign.currency},
                           "currency_in_use")


def campaign_create(*, actor: User, data: dict[str, Any]) -> Campaign:
    require(selectors.can_write_campaigns(access_of(actor)))
    cleaned = clean(CAMPAIGN_FIELDS, data, partial=False)
    _check(cleaned, None)
    cleaned.setdefault("owner", actor.pk)
    resolve_owner(actor, cleaned)
    return save_record(actor=actor, entity="campaign", instance=Campaign(), cleaned=cleaned, creating=True,
                       before_save=_campaign_tokens)


def campaign_update(*, actor: User, campaign: Campaign | int, data: dict[str, Any],
                    version: int | None = None) -> Campaign:
    cleaned = clean(CAMPAIGN_FIELDS, data, partial=True)
    resolve_owner(actor, cleaned)
    return save_record(actor=actor, entity="campaign", instance=campaign, cleaned=cleaned, version=version,
                       prepare=lambda locked, values: _check(values, locked), before_save=_campaign_tokens)


def campaign_delete(*, actor: User, campaign: Campaign | int, version: int | None = None) -> None:
    """Delete a campaign with its member list and deal attributions (the leads, contacts and deals stay)."""
    delete_record(actor=actor, entity="campaign", instance=campaign, version=version)


def _ids(field: str, values: Iterable[Any], errors: dict[str, list[ValidationError]]) -> list[int]:
    try:
        ids = list(dict.fromkeys(int(value) for value in values))
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(ValidationError(_("Send a list of record ids."), code="invalid"))
        return []
    if len(ids) > MAX_MEMBERS_PER_CALL:
        errors.setdefault(field, []).append(ValidationError(
            _("Send at most %(n)d ids at a time.") % {"n": MAX_MEMBERS_PER_CALL}, code="too_many"))
        return []
    return ids


def _visible_people(actor: User, lead_ids: Iterable[Any], contact_ids: Iterable[Any]) -> tuple[list[int], list[int]]:
    """The ids, checked: every one must be a lead / contact the actor may see, or the whole call is refused.

    Hidden and absent ids get the same error, so a member list cannot be used to probe for records.
    """
    errors: dict[str, list[ValidationError]] = {}
    wanted = {"leads": _ids("leads", lead_ids, errors), "contacts": _ids("contacts", contact_ids, errors)}
    querysets = {"leads": leads(actor=actor), "contacts": records_selectors.contacts(actor=actor)}
    for field, ids in wanted.items():
        found = set(querysets[field].filter(pk__in=ids).values_list("pk", flat=True))
        missing = [pk for pk in ids if pk not in found]
        if missing:
            errors.setdefault(field, []).append(ValidationError(
                _("No such record: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)},
                code="does_not_exist"))
    if errors:
        raise ValidationError(errors)
    return wanted["leads"], wanted["contacts"]


def _members_changed(actor: User, campaign: Campaign, change: tuple[Any, Any]) -> None:
    record_trail(actor=actor, entity="campaign", record_id=campaign.pk, label=str(campaign), action="update",
                 changes={"members": change})


def campaign_add_members(
    *, actor: User, campaign: Campaign, lead_ids: Iterable[Any] = (), contact_ids: Iterable[Any] = ()
) -> dict[str, list[int]]:
    """Add leads and contacts the actor may see; ones already in the campaign are skipped.

    Returns the ids actually added: {"leads": [...], "contacts": [...]}.
    """
    lead_ids, contact_ids = _visible_people(actor, lead_ids, contact_ids)
    with transaction.atomic():
        campaign = lock_record(actor=actor, entity="campaign", instance=campaign)  # serializes member changes
        present = CampaignMember.objects.filter(campaign=campaign)
        known_leads = set(present.filter(lead_id__in=lead_ids).values_list("lead_id", flat=True))
        known_contacts = set(present.filter(contact_id__in=contact_ids).values_list("contact_id", flat=True))
        added = {"leads": [pk for pk in lead_ids if pk not in known_leads],
                 "contacts": [pk for pk in contact_ids if pk not in known_contacts]}
        rows = ([CampaignMember(campaign=campaign, lead_id=pk, added_by=actor) for pk in added["leads"]]
                + [CampaignMember(campaign=campaign, contact_id=pk, added_by=actor) for pk in added["contacts"]])
        if rows:
            CampaignMember.objects.bulk_create(rows)
            _members_changed(actor, campaign, (None, added))
    return added


def campaign_remove_members(
    *, actor: User, campaign: Campaign, lead_ids: Iterable[Any] = (), contact_ids: Iterable[Any] = ()
) -> dict[str, list[int]]:
    """Remove leads and contacts from the campaign; ids that are not members are skipped.

    Returns the ids actually removed: {"leads": [...], "contacts": [...]}.
    """
    lead_ids, contact_ids = _visible_people(actor, lead_ids, contact_ids)
    with transaction.atomic():
        campaign = lock_record(actor=actor, entity="campaign", instance=campaign)
        present = CampaignMember.objects.filter(campaign=campaign)
        removed = {
            "leads": sorted(present.filter(lead_id__in=lead_ids).values_list("lead_id", flat=True)),
            "contacts": sorted(present.filter(contact_id__in=contact_ids).values_list("contact_id", flat=True)),
        }
        if removed["leads"] or removed["contacts"]:
            present.filter(lead_id__in=removed["leads"]).delete()
            present.filter(contact_id__in=removed["contacts"]).delete()
            _members_changed(actor, campaign, (removed, None))
    return removed


def campaign_attribute_deal(*, actor: User, campaign: Campaign, deal_id: Any) -> tuple[CampaignDeal, bool]:
    """Count a deal the actor may see towards the campaign's ROI; `(link, created)` like get_or_create.

    The deal must be in the campaign's currency: amounts in different currencies do not add up.
    """
    campaign = selectors.campaign_for_write(actor=actor, pk=getattr(campaign, "pk", campaign))
    deal = access_record(records_selectors.deals(actor=actor), deal_id, "deal")
    if deal.currency != campaign.currency:
        raise _field_error("deal", _("The deal is in %(deal)s but the campaign in %(campaign)s; attribute deals "
                                     "in the campaign's currency.") % {"deal": deal.currency,
                                                                      "campaign": campaign.currency},
                           "currency_mismatch")
    with transaction.atomic():
        campaign = lock_record(actor=actor, entity="campaign", instance=campaign)
        link, created = CampaignDeal.objects.get_or_create(campaign=campaign, deal=deal,
                                                           defaults={"attributed_by": actor})
        if created:
            record_trail(actor=actor, entity="campaign", record_id=campaign.pk, label=str(campaign),
                         action="update", changes={"deals": (None, deal.pk)})
    return link, created
