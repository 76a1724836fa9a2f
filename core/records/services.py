"""Every change to CRM records, one function per use case: the one write path.

Each function checks the actor's permission, validates, writes in one transaction with field history
and an audit entry, and emits a domain event after commit (see core.writepath.save).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access.scoping import access_of, require
from core.api.errors import Conflict
from core.audit.services import audit_record
from core.customization.pipelines import default_pipeline, get_pipeline
from core.entities.fields import clean
from core.entities.normalize import company_key
from core.entities.registry import registry
from core.entities.search import record_tokens
from core.entities.trail import record_trail
from core.events.outbox import record_event
from core.users.models import User
from core.writepath.save import delete_record, lock_record, save_record

from . import selectors
from .fields import ACCOUNT_FIELDS, CONTACT_FIELDS, DEAL_FIELDS, PRODUCT_FIELDS
from .models import Account, AccountShare, Contact, Deal, DealStageChange, Product


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def resolve_owner(actor: User, cleaned: dict[str, Any]) -> None:
    """Only admins, owners and managers assign records to someone else (managers: within their teams)."""
    if "owner" not in cleaned:
        return
    owner_id = cleaned.pop("owner")
    access = access_of(actor)
    if owner_id is None:
        cleaned["owner_id"] = None
        return
    if owner_id != actor.pk and not (access.full or owner_id in access.owner_ids):
        raise _field_error("owner", _("You can assign records only to yourself or your team."), "owner_not_allowed")
    if not User.objects.filter(pk=owner_id, is_active=True).exists():
        raise _field_error("owner", _("Owner must be an active user of this workspace."), "invalid")
    cleaned["owner_id"] = owner_id


# --- accounts ------------------------------------------------------------------------------------

def _account_tokens(account: Account) -> None:
    account.name_key = company_key(account.name)
    account.search_tokens = record_tokens(texts=[account.name, *account.emails], phones=account.phones)


def account_create(*, actor: User, data: dict[str, Any]) -> Account:
    require(access_of(actor).can_write())
    cleaned = clean(ACCOUNT_FIELDS, data, partial=False)
    _check_level(cleaned)
    cleaned.setdefault("owner", actor.pk)
    resolve_owner(actor, cleaned)
    return save_record(actor=actor, entity="account", instance=Account(), cleaned=cleaned, creating=True,
                       before_save=_account_tokens)


def account_update(*, actor: User, account: Account | int, data: dict[str, Any],
                   version: int | None = None) -> Account:
    """Change an account; only the fields in `data` are written (a stale `version` is refused)."""
    cleaned = clean(ACCOUNT_FIELDS, data, partial=True)
    _check_level(cleaned)
    resolve_owner(actor, cleaned)
    return save_record(actor=actor, entity="account", instance=account, cleaned=cleaned, version=version,
                       before_save=_account_tokens)


def _check_level(cleaned: dict[str, Any]) -> None:
    if cleaned.get("level") and cleaned["level"] not in Account.Level.values:
        raise _field_error("level", _("Level must be A, B or C."), "invalid_choice")


def account_delete(*, actor: User, account: Account | int, version: int | None = None) -> None:
    delete_record(actor=actor, entity="account", instance=account, version=version)


def account_claim(*, actor: User, account: Account | int) -> Account:
    """Take an unowned account from the public pool, within the per-user limit.

    The row lock makes concurrent claims of one account end with exactly one owner; the loser gets 409.
    """
    require(access_of(actor).can_write())

    def prepare(locked: Account, cleaned: dict[str, Any]) -> None:
        if locked.owner_id is not None:
            raise Conflict(_("Someone else has already claimed this account."), code="already_claimed")
        owned = Account.objects.filter(owner=actor, merged_into__isnull=True).count()
        if owned >= settings.GUANXI_POOL_LIMIT:
            raise Conflict(_("You already own %(n)d accounts, the limit. Release some to the pool first.")
                           % {"n": owned}, code="pool_limit")

    # a claim reaches the pool as well as the actor's own accounts; the owner is checked under the lock
    return save_record(actor=actor, entity="account", instance=account, cleaned={"owner_id": actor.pk},
                       prepare=prepare, checked=True, action="claim",
                       scope=selectors.openable_accounts(actor=actor))


def account_release(*, actor: User, account: Account | int) -> Account:
    """Give an account back to the public pool (nothing happens when it is in the pool already)."""
    return save_record(actor=actor, entity="account", instance=account, cleaned={"owner_id": None},
                       checked=True, action="release")


def account_share(*, actor: User, account: Account | int, user: User, access: str) -> AccountShare:
    """Give a colleague read or read-and-write access to an account (its team-member list)."""
    if access not in AccountShare.Level.values:
        raise _field_error("access", _("Access must be read or write."), "invalid_choice")
    with transaction.atomic():
        locked = lock_record(actor=actor, entity="account", instance=account)
        previous = AccountShare.objects.filter(account=locked, user=user).values_list("access", flat=True).first()
        share, _created = AccountShare.objects.update_or_create(account=locked, user=user,
                                                                defaults={"access": access})
        if previous != access:
            record_trail(actor=actor, entity="account", record_id=locked.pk, label=str(locked), action="update",
                         changes={"shares": ({"user": user.pk, "access": previous} if previous else None,
                                             {"user": user.pk, "access": access})})
    return share


def accounts_reassign(*, actor: User, account_ids: list[int], owner_id: int | None) -> int:
    """Bulk owner reassignment: every account goes through `account_update` (one write path), all or none."""
    if not account_ids:
        raise _field_error("ids", _("Choose at least one account."), "required")
    if len(account_ids) > 1000:
        raise _field_error("ids", _("Reassign at most 1000 accounts at a time."), "max_length")
    with transaction.atomic():
        for account_id in dict.fromkeys(account_ids):
            account = selectors.account_for_write(actor=actor, pk=account_id, field="ids")
            account_update(actor=actor, account=account, data={"owner": owner_id})  # one write path each
    return len(set(account_ids))


def records_export(*, actor: User, entity: str, count: int, filters: dict[str, str]) -> None:
    """An export is an audited action: who took which list out of the system, with which filters."""
    audit_record(actor=actor, action="export", entity=entity, record_label=f"{count} {entity}s",
                 changes={"filters": (None, filters), "rows": (None, count)})


def _merge(*, actor: User, entity: str, survivor, other, choices: dict[str, str] | None, list_fields: tuple[str, ...],
           refresh: Callable[[Any], None]):
    """The steps every merge shares: checks, row locks, chosen values, related rows moved, a trail on both.

    Every built-in field and every custom field (`custom.<key>`) can be chosen: `choices` maps it to
    "survivor" or "other"; by default the survivor's value wins unless it is empty. List fields are
    united unless chosen. The survivor is written through the one write path (its custom values
    validated like any other save); the merged record stays as a pointer (`merged_into`), so its old id
    still finds the survivor. What hangs under the merged record moves through the movers other apps
    register (`registry.on_merge`), each moved row with its own trail.
    """
    from core.customization.current import current_config
    from core.customization.records import plain

    require(access_of(actor).full)
    if survivor.pk == other.pk:
        raise _field_error("other", _("Choose two different records to merge."), "same_record")
    kind = registry.get(entity)
    builtin = [name for name, spec in kind.fields.items() if spec.kind != "custom"]
    custom_fields = current_config().fields(entity)
    choices = choices or {}
    for field, side in choices.items():
        known = field in builtin or (field.startswith("custom.") and custom_fields.get(field[7:], archived=True))
        if not known or side not in ("survivor", "other"):
            raise _field_error(f"choices.{field}", _("Choose “survivor” or “other” for each field."), "invalid_choice")
    model = kind.model
    with transaction.atomic():
        # both rows locked in one order, so two merges of the same pair cannot deadlock
        locked = {row.pk: row for row in model.objects.select_for_update().filter(
            pk__in=[survivor.pk, other.pk], merged_into__isnull=True).order_by("pk")}
        if len(locked) != 2:
            raise Conflict(_("One of these records was merged or deleted meanwhile; reload and try again."),
                           code="merged_meanwhile")
        survivor, other = locked[survivor.pk], locked[other.pk]
        values: dict[str, Any] = {}
        for field in builtin:
            attr = model._meta.get_field(field).attname
            mine, theirs = getattr(survivor, attr), getattr(other, attr)
            if field in list_fields and field not in choices:
                united = list(dict.fromkeys([*mine, *theirs]))
                if united != mine:
                    values[attr] = united
                continue
            side = choices.get(field) or ("survivor" if mine not in (None, "", []) else "other")
            if side == "other" and theirs != mine:
                values[attr] = theirs
        mine_custom, theirs_custom = plain(survivor.custom), plain(other.custom)
        custom: dict[str, Any] = {}
        for key in sorted(set(mine_custom) | set(theirs_custom)):
            side = choices.get(f"custom.{key}") or ("survivor" if mine_custom.get(key) not in (None, "", [])
                                                    else "other")
            chosen = theirs_custom.get(key) if side == "other" else mine_custom.get(key)
            if chosen != mine_custom.get(key):
                custom[key] = chosen if chosen is not None else ""
        if custom:
            values["custom"] = custom
        moved: dict[str, int] = {}
        for mover in registry.merge_movers(entity):
            moved.update(mover(actor=actor, from_record=other, to_record=survivor))
        survivor = save_record(actor=actor, entity=entity, instance=survivor, cleaned=values, checked=True,
                               before_save=refresh, action="merge",
                               notes={"merged_from": (None, other.pk), "moved": (None, moved)})
        save_record(actor=actor, entity=entity, instance=other, cleaned={"merged_into_id": survivor.pk, "owner_id": None},
                    checked=True, action="merge")
    return survivor


def account_merge(*, actor: User, survivor: Account, other: Account, choices: dict[str, str] | None = None) -> Account:
    """Merge account `other` into `survivor`; contacts, deals, shares and every related record move."""
    return _merge(actor=actor, entity="account", survivor=survivor, other=other, choices=choices,
                  list_fields=("tags", "emails", "phones"), refresh=_account_tokens)


# --- contacts ------------------------------------------------------------------------------------

def _contact_links(actor: User, cleaned: dict[str, Any]) -> None:
    if "account" in cleaned:
        account_id = cleaned.pop("account")
        if account_id is not None:
            selectors.account_for_write(actor=actor, pk=account_id, field="account")
        cleaned["account_id"] = account_id


def _contact_tokens(contact: Contact) -> None:
    contact.search_tokens = record_tokens(texts=[contact.name, *contact.emails], phones=contact.phones)


def contact_create(*, actor: User, data: dict[str, Any]) -> Contact:
    require(access_of(actor).can_write())
    cleaned = clean(CONTACT_FIELDS, data, partial=False)
    cleaned.setdefault("owner", actor.pk)
    resolve_owner(actor, cleaned)
    _contact_links(actor, cleaned)
    return save_record(actor=actor, entity="contact", instance=Contact(), cleaned=cleaned, creating=True,
                       before_save=_contact_tokens)


def contact_update(*, actor: User, contact: Contact | int, data: dict[str, Any],
                   version: int | None = None) -> Contact:
    cleaned = clean(CONTACT_FIELDS, data, partial=True)
    resolve_owner(actor, cleaned)
    _contact_links(actor, cleaned)
    return save_record(actor=actor, entity="contact", instance=contact, cleaned=cleaned, version=version,
                       before_save=_contact_tokens)


def contact_delete(*, actor: User, contact: Contact | int, version: int | None = None) -> None:
    delete_record(actor=actor, entity="contact", instance=contact, version=version)


def contact_merge(*, actor: User, survivor: Contact, other: Contact, choices: dict[str, str] | None = None) -> Contact:
    """Merge contact `other` into `survivor`; deals, activities, tickets and memberships move."""
    return _merge(actor=actor, entity="contact", survivor=survivor, other=other, choices=choices,
                  list_fields=("emails", "phones"), refresh=_contact_tokens)


# --- deals ---------------------------------------------------------------------------------------

def _deal_links(actor: User, cleaned: dict[str, Any], deal: Deal | None) -> None:
    """The account is one the actor may change; the contact one of its people the actor may see."""
    if "account" in cleaned:
        account = selectors.account_for_write(actor=actor, pk=cleaned.pop("account"), field="account")
        cleaned["account_id"] = account.pk
    if "contact" in cleaned:
        contact_id = cleaned.pop("contact")
        if contact_id is not None:
            account_id = cleaned.get("account_id") or (deal.account_id if deal else None)
            if not selectors.contacts(actor=actor).filter(pk=contact_id, account_id=account_id).exists():
                raise _field_error("contact", _("The contact must belong to the deal's account."), "invalid")
        cleaned["contact_id"] = contact_id


def _deal_stage(cleaned: dict[str, Any], deal: Deal | None, actor: User | None = None) -> None:
    """Resolve pipeline and stage (config in force) and, when the stage changes, check its gate."""
    if "probability" in cleaned and cleaned["probability"] is None:
        cleaned.pop("probability")  # empty: the stage's probability applies
    changing_pipeline = deal is not None and "pipeline" in cleaned and cleaned["pipeline"] != deal.pipeline
    pipeline_key = cleaned.get("pipeline") or (deal.pipeline if deal else default_pipeline().key)
    pipeline = get_pipeline(pipeline_key)
    if pipeline is None or (pipeline.archived and (deal is None or changing_pipeline)):
        raise _field_error("pipeline", _("Unknown pipeline “%(key)s”.") % {"key": pipeline_key}, "invalid_choice")
    cleaned["pipeline"] = pipeline.key
    if changing_pipeline and not cleaned.get("stage"):
        raise _field_error("stage", _("Choose the stage the deal takes in the pipeline %(pipeline)s.") % {
            "pipeline": pipeline.label}, "required")
    stage_key = cleaned.get("stage") or (deal.stage if deal else pipeline.first_stage.key)
    stage = pipeline.stage(stage_key)
    if stage is None:
        raise _field_error("stage", _("Unknown stage “%(key)s” in pipeline %(pipeline)s.") % {
            "key": stage_key, "pipeline": pipeline.label}, "invalid_choice")
    if deal is None or deal.stage != stage.key or changing_pipeline:
        check_stage_gate(deal, cleaned, pipeline, stage, actor)
        cleaned["stage"] = stage.key
        cleaned["stage_kind"] = stage.kind
        cleaned.setdefault("probability", stage.probability)
        cleaned["stage_entered_at"] = timezone.now()
        cleaned["closed_at"] = timezone.now() if stage.kind in ("won", "lost") else None


def check_stage_gate(deal: Deal | None, cleaned: dict[str, Any], pipeline, stage, actor: User | None = None) -> None:
    """A stage's gate: its required fields filled and its entry condition true — every failure at once.

    Values are the deal as it would be after this change (stored values, the change's built-in values and
    its custom values); the account's values serve `account.` paths of the condition.
    """
    from core.customization.conditions import describe, evaluate, paths, record_resolver
    from core.customization.current import current_config
    from core.customization.records import builtin_values, plain

    if not stage.required_fields and not stage.entry_condition:
        return
    values: dict[str, Any] = builtin_values(deal) if deal is not None else {}
    values.update({key.removesuffix("_id"): value for key, value in cleaned.items() if key != "custom"})
    custom = {**plain(deal.custom if deal is not None else {}), **(cleaned.get("custom") or {})}
    values["custom"] = custom
    fields = current_config().fields("deal")
    errors: dict[str, list[ValidationError]] = {}

    def label(path: str) -> str:
        if path.startswith("account."):
            return str(_("Account")) + " · " + label(path.removeprefix("account."))
        if path.startswith("custom."):
            return fields.label(path.removeprefix("custom."))
        spec = DEAL_FIELDS.get(path)
        return str(spec.label) if spec else path

    for path in stage.required_fields:
        value = custom.get(path.removeprefix("custom.")) if path.startswith("custom.") else values.get(path)
        if value in (None, "", [], {}) or (path == "amount" and not value):
            errors.setdefault(path, []).append(ValidationError(
                _("%(field)s is required to enter the stage %(stage)s.") % {"field": label(path),
                                                                            "stage": stage.label},
                code="required_for_stage"))
    if stage.entry_condition:
        account = None
        if values.get("account") and any(p.startswith("account.") for p in paths(stage.entry_condition)):
            # read as the actor sees it: a gate never answers from an account the actor cannot read
            found = selectors.accounts(actor=actor).filter(pk=values["account"]).first() if actor else None
            account = (builtin_values(found) | {"custom": plain(found.custom)}) if found else None
        if not evaluate(stage.entry_condition, record_resolver(values, account)):
            errors.setdefault("stage", []).append(ValidationError(
                _("The stage %(stage)s can only be entered when %(condition)s.") % {
                    "stage": stage.label, "condition": describe(stage.entry_condition, label)},
                code="entry_condition"))
    if errors:
        raise ValidationError(errors)


def _deal_tokens(deal: Deal) -> None:
    deal.search_tokens = record_tokens(texts=[deal.name], phones=[])


def deal_create(*, actor: User, data: dict[str, Any]) -> Deal:
    require(access_of(actor).can_write())
    cleaned = clean(DEAL_FIELDS, data, partial=False)
    cleaned.setdefault("owner", actor.pk)
    resolve_owner(actor, cleaned)
    _deal_links(actor, cleaned, None)
    _deal_stage(cleaned, None, actor)
    # the deal and its first stage entry exist together or not at all
    return save_record(actor=actor, entity="deal", instance=Deal(), cleaned=cleaned, creating=True,
                       before_save=_deal_tokens, after_save=lambda deal: DealStageChange.objects.create(
                           deal=deal, from_stage="", to_stage=deal.stage, actor=actor))


def deal_update(*, actor: User, deal: Deal | int, data: dict[str, Any], version: int | None = None) -> Deal:
    """Change a deal; a stage change in `data` goes through the same checks as `deal_move`.

    Links, the stage and its gate are judged on the locked, current deal (`prepare`), so a gate sees what
    is stored now, not what the caller read earlier.
    """
    cleaned = clean(DEAL_FIELDS, data, partial=True)
    resolve_owner(actor, cleaned)
    moved_from: list[str] = []

    def prepare(locked: Deal, values: dict[str, Any]) -> str | None:
        _deal_links(actor, values, locked)
        _deal_stage(values, locked, actor)
        moved_from.append(locked.stage)
        return "stage_changed" if values.get("stage", locked.stage) != locked.stage else None

    def after_save(saved: Deal) -> None:
        if saved.stage != moved_from[0]:
            _record_stage_change(actor=actor, deal=saved, from_stage=moved_from[0])

    return save_record(actor=actor, entity="deal", instance=deal, cleaned=cleaned, version=version,
                       prepare=prepare, before_save=_deal_tokens, after_save=after_save)


def deal_move(*, actor: User, deal: Deal | int, stage: str, reason: str = "", pipeline: str = "",
              version: int | None = None) -> Deal:
    """Move a deal to another stage (board drag, form, API, automations — all land here).

    With `pipeline`, the deal moves to that pipeline and `stage` names its stage there (explicit mapping).
    The target stage's gate is checked (check_stage_gate) and every failure reported at once.
    """
    data: dict[str, Any] = {"stage": stage}
    if pipeline:
        data["pipeline"] = pipeline
    if reason:
        data["won_lost_reason"] = reason
    return deal_update(actor=actor, deal=deal, data=data, version=version)


def _record_stage_change(*, actor: User, deal: Deal, from_stage: str) -> None:
    """The stage history row and the stage event (the field history and audit come with the save)."""
    DealStageChange.objects.create(deal=deal, from_stage=from_stage, to_stage=deal.stage, actor=actor)
    record_event("deal.stage_changed", {"deal_id": deal.pk, "from_stage": from_stage, "to_stage": deal.stage,
                                        "actor_id": actor.pk}, actor_id=actor.pk)


def deal_delete(*, actor: User, deal: Deal | int, version: int | None = None) -> None:
    delete_record(actor=actor, entity="deal", instance=deal, version=version)


# --- products ------------------------------------------------------------------------------------

def product_create(*, actor: User, data: dict[str, Any]) -> Product:
    require(access_of(actor).full)
    cleaned = clean(PRODUCT_FIELDS, {"currency": "CNY", "active": True, **data}, partial=False)
    if Product.objects.filter(sku=cleaned["sku"]).exists():
        raise Conflict(_("A product with this SKU already exists."), code="sku_taken",
                       fields=[{"path": "sku", "code": "sku_taken", "message": _("A product with this SKU already exists.")}])
    return save_record(actor=actor, entity="product", instance=Product(), cleaned=cleaned, creating=True)


def product_update(*, actor: User, product: Product, data: dict[str, Any], version: int | None = None) -> Product:
    require(access_of(actor).full)
    cleaned = clean(PRODUCT_FIELDS, data, partial=True)
    if "sku" in cleaned and Product.objects.filter(sku=cleaned["sku"]).exclude(pk=product.pk).exists():
        raise Conflict(_("A product with this SKU already exists."), code="sku_taken",
                       fields=[{"path": "sku", "code": "sku_taken", "message": _("A product with this SKU already exists.")}])
    return save_record(actor=actor, entity="product", instance=product, cleaned=cleaned, version=version)


# --- reveal --------------------------------------------------------------------------------------

REVEALABLE = ("account", "contact")  # the records with reveal buttons; their fields: the sensitive ones


def record_reveal(*, actor: User, entity: str, record_id: int, field: str) -> Any:
    """Unmask one sensitive field for a role that may; every reveal is an audit entry.

    `custom.<key>` names a sensitive custom field the role sees (accounts and contacts, like phones).
    """
    access = access_of(actor)
    if field.startswith("custom.") and entity in REVEALABLE:
        return _reveal_custom(actor=actor, entity=entity, record_id=record_id, field=field)
    if entity not in REVEALABLE or field not in registry.get(entity).sensitive:
        raise _field_error("field", _("“%(field)s” cannot be revealed.") % {"field": field}, "invalid_choice")
    record = selectors.record_for_read(actor=actor, entity=entity, pk=record_id)
    if entity == "account" and field == "bank_account":
        require(access.full or access.role == "finance")
    else:
        require(access.may_reveal() and (entity != "contact" or access.sees_contact_details()))
    audit_record(actor=actor, action="reveal", entity=entity, record=record, record_label=str(record), fields=[field])
    return getattr(record, field)


def _reveal_custom(*, actor: User, entity: str, record_id: int, field: str) -> Any:
    from core.customization.current import current_config
    from core.customization.records import plain

    access = access_of(actor)
    key = field.removeprefix("custom.")
    spec = current_config().fields(entity).get(key)
    if spec is None or not spec.sensitive or not spec.can_see(access.role or ""):
        raise _field_error("field", _("“%(field)s” cannot be revealed.") % {"field": field}, "invalid_choice")
    record = selectors.record_for_read(actor=actor, entity=entity, pk=record_id)
    require(access.may_reveal() and (entity != "contact" or access.sees_contact_details()))
    audit_record(actor=actor, action="reveal", entity=entity, record=record, record_label=str(record), fields=[field])
    return plain(record.custom).get(key)
