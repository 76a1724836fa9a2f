"""The workspace configuration's settings pages: overview and presets, custom fields, pipelines, the whole
JSON document, history with diff and rollback.

Only admins and owners open them (`services.may_configure`; everyone else gets 403). A page reads the
version in force and sends that version back as `base_version`. The views edit no document themselves:
they turn the posted form into the arguments of one edit service (`edits.custom_field_save`,
`pipeline_save`, …, the same functions the config API calls) or of `config_rollback`,
`config_apply_preset`, `edits.config_replace`, which validate, refuse a stale base (409, shown with a
reload link) and report every problem as a ConfigError (JSON path, message). The forms put each one
next to the input that caused it. A stage that still holds deals cannot go without saying where they
move: the page asks with a menu per stage and sends the answers as `moves` with the next attempt.
tests/customization/test_views_edit_nothing.py fails when a view builds a document again.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.api.errors import Conflict

from . import edits, selectors, services
from .current import current_config, entities
from .edits import field_specs, ordered_active
from .fieldtypes import localized
from .forms import (
    APPLIES_TO,
    BLANK_OPTION,
    BLANK_STAGE,
    STAGE_KIND_LABELS,
    TYPE_LABELS,
    FieldForm,
    JsonForm,
    NoteForm,
    PipelineForm,
    Row,
    apply_row_actions,
    entity_label,
    link_entity_labels,
    option_rows_from,
    posted_options,
    posted_stages,
    row_has_errors,
    safe_color,
    stage_rows_from,
)
from .models import ConfigVersion
from .schema import ConfigError, load_preset, presets

MOVE_PREFIX = "$.stage_moves."
HISTORY_LIMIT = 200


def admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and an admin or owner of the workspace; 403 for everyone else."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.may_configure(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked)


# --- the version in force and saving ------------------------------------------------------------------

@dataclass
class InForce:
    number: int
    document: Mapping[str, Any]  # the shared compiled version's: read it, never change it
    row: ConfigVersion | None


def in_force() -> InForce:
    config = current_config()
    row = selectors.versions().filter(number=config.number).first() if config.number else None
    return InForce(config.number, config.document, row)


def base_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("base_version", ""))
    except ValueError:
        raise BadRequest("base_version") from None


@dataclass
class Outcome:
    version: ConfigVersion | None = None
    errors: list[ConfigError] = field(default_factory=list)
    conflict: str = ""

    @property
    def status(self) -> int:
        return 409 if self.conflict else 400 if self.errors else 200


def attempt(call: Callable[..., ConfigVersion | None], **kwargs: Any) -> Outcome:
    """Run one service write; its refusal (invalid document, stale base) as an Outcome.

    An edit that changed nothing saved nothing: an Outcome without version or errors (status 200)."""
    try:
        return Outcome(version=call(**kwargs))
    except services.InvalidConfig as error:
        return Outcome(errors=list(error.errors))
    except Conflict as error:
        return Outcome(conflict=error.message)


def saved(request: HttpRequest, version: ConfigVersion) -> None:
    messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})


# --- stage moves -------------------------------------------------------------------------------------

def stage_targets(document: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every stage of `document` as (pipeline name, [("pipeline.stage", stage name)]) for a menu."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    pipelines = document.get("pipelines") if isinstance(document, Mapping) else None
    for pipeline in pipelines if isinstance(pipelines, list) else []:
        if not isinstance(pipeline, Mapping) or not isinstance(pipeline.get("key"), str):
            continue
        name = localized(pipeline.get("label")) or pipeline["key"]
        if pipeline.get("archived"):
            name = _("%(name)s (archived)") % {"name": name}
        stages = pipeline.get("stages") if isinstance(pipeline.get("stages"), list) else []
        groups.append((name, [(f"{pipeline['key']}.{stage['key']}", localized(stage.get("label")) or stage["key"])
                              for stage in stages if isinstance(stage, Mapping) and isinstance(stage.get("key"), str)]))
    return groups


def chosen_moves(request: HttpRequest, document: Any) -> dict[str, str]:
    """The `move-<pipeline.stage>` answers naming a stage that exists in `document`."""
    targets = {value for _name, stages in stage_targets(document) for value, _label in stages}
    moves = {}
    for name, value in request.POST.items():
        if name.startswith("move-") and value in targets and "." in name:
            moves[name.removeprefix("move-")] = value
    return moves


def split_moves(errors: list[ConfigError], document: Any, chosen: Mapping[str, str]
                ) -> tuple[list[dict[str, Any]], list[ConfigError]]:
    """(the questions "where do the deals of this stage go", every other error)."""
    asks: list[dict[str, Any]] = []
    rest: list[ConfigError] = []
    targets = None
    for error in errors:
        if error.path.startswith(MOVE_PREFIX):
            targets = stage_targets(document) if targets is None else targets
            source = error.path.removeprefix(MOVE_PREFIX)
            asks.append({"source": source, "name": f"move-{source}", "message": error.message,
                         "selected": chosen.get(source, ""), "groups": targets})
        else:
            rest.append(error)
    return asks, rest


# --- overview and presets ----------------------------------------------------------------------------

def _preset_entries() -> list[dict[str, Any]]:
    return [{"key": entry["key"], "label": localized(entry.get("label")) or entry["key"],
             "description": localized(entry.get("description"))} for entry in presets()]


def _field_counts(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    custom = document.get("custom_fields") or {}
    counts = []
    for entity in entities():
        specs = custom.get(entity) or []
        active = sum(1 for spec in specs if not spec.get("archived"))
        counts.append({"entity": entity, "label": entity_label(entity), "active": active,
                       "archived": len(specs) - active})
    return counts


@admin_only
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    state = in_force()
    pipelines = state.document.get("pipelines") or []
    return render(request, "customization/overview.html", {
        "state": state, "entities": _field_counts(state.document), "presets": _preset_entries(),
        "pipeline_count": sum(1 for p in pipelines if not p.get("archived")),
        "section": "overview",
    })


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def preset_apply(request: HttpRequest, key: str) -> HttpResponse:
    entry = next((p for p in _preset_entries() if p["key"] == key), None)
    if entry is None:
        raise Http404
    target = load_preset(key)
    step = _confirm(request, target, lambda base, note, moves: attempt(
        services.config_apply_preset, actor=request.user, preset=key, base_version=base, note=note, moves=moves))
    if step.outcome.version:
        saved(request, step.outcome.version)
        return redirect("customization:overview")
    return render(request, "customization/preset_confirm.html", {
        "preset": entry, "section": "overview", **step.context(target)}, status=step.outcome.status)


@dataclass
class _Confirmation:
    """A page that replaces the whole document (preset, rollback): its form and what the save said."""

    state: Any
    form: NoteForm
    base: int
    outcome: Outcome
    asks: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)

    def context(self, target: Mapping[str, Any]) -> dict[str, Any]:
        return {"state": self.state, "form": self.form, "base": self.base, "outcome": self.outcome,
                "asks": self.asks, "errors": self.errors,
                "changes": _diff_rows(selectors.diff(self.state.document, target))}


def _confirm(request: HttpRequest, target: Mapping[str, Any],
             save: Callable[[int, str, dict[str, str]], Outcome]) -> _Confirmation:
    """On POST, `save(base_version, note, stage_moves)`; a refusal asking where deals go becomes `asks`."""
    state = in_force()
    form = NoteForm(request.POST or None)
    step = _Confirmation(state=state, form=form, base=state.number, outcome=Outcome())
    if request.method == "POST" and form.is_valid():
        step.base = base_version(request)
        moves = chosen_moves(request, target)
        step.outcome = save(step.base, form.cleaned_data["note"], moves)
        if not step.outcome.version:
            step.asks, step.errors = split_moves(step.outcome.errors, target, moves)
    return step


# --- custom fields -----------------------------------------------------------------------------------

def _entity(entity: str) -> str:
    if entity not in entities():
        raise Http404
    return entity


def _find(specs: list[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    return next((spec for spec in specs if spec.get("key") == key), None)


INPUT_TYPES = {"integer": "number", "decimal": "number", "money": "number", "percent": "number", "date": "date",
               "datetime": "datetime-local", "email": "email", "phone": "tel", "url": "url"}


def _preview_field(spec: Mapping[str, Any], editing: str) -> dict[str, Any]:
    kind = spec.get("type", "text")
    places = spec.get("decimal_places", 2)
    step = None
    if kind == "integer":
        step = "1"
    elif kind in ("decimal", "money", "percent") and isinstance(places, int) and 0 <= places <= 6:
        step = "1" if places == 0 else "0." + "0" * (places - 1) + "1"
    limits = {}
    if kind in INPUT_TYPES and INPUT_TYPES[kind] in ("number", "date"):
        limits = {name: spec[name] for name in ("min", "max")
                  if isinstance(spec.get(name), (int, float, str)) and not isinstance(spec.get(name), bool)}
    options = [{"key": o.get("key", ""), "label": localized(o.get("label")) or o.get("key", ""),
                "color": safe_color(o.get("color"))}
               for o in spec.get("options") or [] if isinstance(o, Mapping)]
    return {
        "key": spec.get("key") or "new", "label": localized(spec.get("label")) or spec.get("key") or "—",
        "help": localized(spec.get("help")), "type": kind, "input_type": INPUT_TYPES.get(kind, "text"),
        "required": bool(spec.get("required")), "sensitive": bool(spec.get("sensitive")),
        "step": step, "limits": limits, "maxlength": spec.get("max_length") if kind in ("text", "long_text")
        and isinstance(spec.get("max_length"), int) else None,
        "options": options, "link_entity": link_entity_labels().get(spec.get("link_entity", ""), ""),
        "editing": bool(editing) and spec.get("key") == editing,
    }


def preview_sections(specs: list[Mapping[str, Any]], editing: str = "") -> list[dict[str, Any]]:
    """The active fields as the record form groups them: the main section first, then each named one."""
    sections: dict[str, list[dict[str, Any]]] = {"": []}
    for spec in ordered_active(specs):
        section = spec.get("section") if isinstance(spec.get("section"), str) else ""
        sections.setdefault(section, []).append(_preview_field(spec, editing))
    return [{"name": name, "fields": fields} for name, fields in sections.items() if fields]


def _field_rows(specs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def row(spec: Mapping[str, Any]) -> dict[str, Any]:
        return {"key": spec.get("key", ""), "label": localized(spec.get("label")) or spec.get("key", ""),
                "type": TYPE_LABELS.get(spec.get("type", ""), spec.get("type", "")),
                "required": bool(spec.get("required") or spec.get("required_when")),
                "unique": bool(spec.get("unique")), "sensitive": bool(spec.get("sensitive")),
                "indexed": bool(spec.get("indexed")), "section": spec.get("section", ""),
                "restricted": bool(spec.get("visible_to") or spec.get("editable_by"))}

    active = [row(spec) for spec in ordered_active(specs)]
    archived = [row(spec) for spec in specs if spec.get("archived")]
    return active, archived


def _fields_context(state: InForce, entity: str) -> dict[str, Any]:
    specs = field_specs(state.document, entity)
    active, archived = _field_rows(specs)
    return {"entity": entity, "entity_label": entity_label(entity), "entities": _field_counts(state.document),
            "active": active, "archived": archived, "base": state.number,
            "preview": preview_sections(specs), "currency": _currency(state.document), "section": "fields"}


def _currency(document: Mapping[str, Any]) -> str:
    return (document.get("settings") or {}).get("default_currency") or "CNY"


def _saved_response(request: HttpRequest, version: ConfigVersion | None, url: str) -> HttpResponse:
    """Back to `url` saying which version was saved, or that the edit changed nothing (no version)."""
    if version is None:
        messages.info(request, _("Nothing changed, so no new version was saved."))
    else:
        saved(request, version)
    return redirect(url)


@admin_only
@require_safe
def fields(request: HttpRequest, entity: str) -> HttpResponse:
    state = in_force()
    return render(request, "customization/fields.html", _fields_context(state, _entity(entity)))


@admin_only
@require_POST
def field_order(request: HttpRequest, entity: str) -> HttpResponse:
    """Save the order of the active fields: `order` = position, from the dragged list or an up/down button."""
    entity = _entity(entity)
    state = in_force()
    base = base_version(request)
    current = [spec["key"] for spec in ordered_active(field_specs(state.document, entity))]
    posted = [key for key in request.POST.getlist("order") if key in current]
    keys = list(dict.fromkeys(posted + [key for key in current if key not in posted]))
    key, _sep, direction = request.POST.get("move", "").rpartition(":")
    if key in keys:
        index = keys.index(key)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(keys):
            keys[index], keys[other] = keys[other], keys[index]
    outcome = attempt(edits.custom_fields_reorder, actor=request.user, entity=entity, keys=keys,
                      base_version=base)  # the same order again saves nothing
    if not request.htmx:
        if outcome.version:
            return _saved_response(request, outcome.version, reverse("customization:fields", args=[entity]))
        if outcome.status == 200:
            return redirect("customization:fields", entity)
    fresh = in_force()
    context = _fields_context(fresh, entity) | {"outcome": outcome, "oob": bool(request.htmx)}
    if outcome.status != 200:
        context["base"] = base
    template = "customization/_field_list.html" if request.htmx else "customization/fields.html"
    response = render(request, template, context, status=outcome.status)
    if outcome.version:
        response["HX-Trigger"] = json.dumps({"config-saved": {"version": outcome.version.number}})
    return response


@admin_only
@require_POST
def field_archive(request: HttpRequest, entity: str, key: str) -> HttpResponse:
    """Archive (hide everywhere, keep every stored value) or restore one field."""
    entity = _entity(entity)
    state = in_force()
    base = base_version(request)
    if _find(field_specs(state.document, entity), key) is None:
        raise Http404
    change = edits.custom_field_archive if request.POST.get("archived") == "1" else edits.custom_field_restore
    outcome = attempt(change, actor=request.user, entity=entity, key=key, base_version=base)
    if outcome.status == 200:
        return _saved_response(request, outcome.version, reverse("customization:fields", args=[entity]))
    context = _fields_context(in_force(), entity) | {"outcome": outcome, "base": base}
    return render(request, "customization/fields.html", context, status=outcome.status)


def _field_form_context(state: InForce, entity: str, form: FieldForm, options: list[Row], original: str, base: int,
                        outcome: Outcome | None = None, spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    specs = field_specs(state.document, entity)
    if spec is not None:
        specs, _index = edits.fields_with(specs, spec, original)
    return {
        "entity": entity, "entity_label": entity_label(entity), "entities": _field_counts(state.document),
        "form": form, "options": options, "original": original, "base": base, "outcome": outcome or Outcome(),
        "blank_option": Row("__ROW__", dict(BLANK_OPTION)),
        "applies_to": {name: sorted(types) for name, types in APPLIES_TO.items()},
        "preview": preview_sections(specs, editing=(spec or {}).get("key") or original or "new"),
        "currency": _currency(state.document), "section": "fields",
    }


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def field_edit(request: HttpRequest, entity: str, key: str = "") -> HttpResponse:
    """Add a field (no key) or change one; the key of a saved field is fixed."""
    entity = _entity(entity)
    state = in_force()
    existing = _find(field_specs(state.document, entity), key) if key else None
    if key and existing is None:
        raise Http404
    if request.method != "POST":
        initial = FieldForm.initial_from(existing) if existing else {"type": "text"}
        form = FieldForm(initial=initial, existing=bool(existing))
        options = option_rows_from(existing or {})
        return render(request, "customization/field_form.html",
                      _field_form_context(state, entity, form, options, key, state.number))
    base = base_version(request)
    form = FieldForm(request.POST, existing=bool(existing))
    options = posted_options(request.POST)
    form.is_valid()
    if apply_row_actions(options, request.POST, "option", BLANK_OPTION):  # "add option", "up", "down" without JS
        spec = form.build_spec(existing, options)
        return render(request, "customization/field_form.html",
                      _field_form_context(state, entity, form, options, key, base, spec=spec))
    spec = form.build_spec(existing, options)
    outcome = Outcome()
    if not form.errors:
        outcome = attempt(edits.custom_field_save, actor=request.user, entity=entity, spec=spec,
                          original_key=key or None, base_version=base, note=form.cleaned_data.get("note", ""))
        if outcome.status == 200:
            return _saved_response(request, outcome.version, reverse("customization:fields", args=[entity]))
        _specs, index = edits.fields_with(field_specs(state.document, entity), spec, key)  # where the errors point
        form.place_errors(outcome.errors, entity, index, options)
    else:
        outcome = Outcome(errors=[ConfigError("$", _("Correct the marked inputs."))])
    return render(request, "customization/field_form.html",
                  _field_form_context(in_force(), entity, form, options, key, base, outcome, spec=spec),
                  status=outcome.status)


@admin_only
@require_POST
def field_preview(request: HttpRequest, entity: str) -> HttpResponse:
    """The record form as it would look with the field being edited (htmx, as the admin types)."""
    entity = _entity(entity)
    state = in_force()
    original = request.POST.get("original", "")
    existing = _find(field_specs(state.document, entity), original) if original else None
    form = FieldForm(request.POST, existing=bool(existing))
    form.is_valid()
    spec = form.build_spec(existing, posted_options(request.POST))
    specs, _index = edits.fields_with(field_specs(state.document, entity), spec, original if existing else "")
    return render(request, "customization/_preview.html", {
        "preview": preview_sections(specs, editing=spec.get("key") or "new"),
        "currency": _currency(state.document), "entity_label": entity_label(entity)})


# --- pipelines ---------------------------------------------------------------------------------------

def _pipeline_cards(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    cards = []
    for pipeline in document.get("pipelines") or []:
        cards.append({
            "key": pipeline["key"], "label": localized(pipeline.get("label")) or pipeline["key"],
            "default": bool(pipeline.get("default")), "archived": bool(pipeline.get("archived")),
            "stages": [{"key": s["key"], "label": localized(s.get("label")) or s["key"],
                        "probability": s.get("probability"), "kind": s.get("kind", "open"),
                        "color": safe_color(s.get("color"))} for s in pipeline.get("stages") or []],
        })
    return cards


def _pipelines_context(state: InForce) -> dict[str, Any]:
    return {"pipelines": _pipeline_cards(state.document), "base": state.number, "section": "pipelines"}


@admin_only
@require_safe
def pipelines(request: HttpRequest) -> HttpResponse:
    return render(request, "customization/pipelines.html", _pipelines_context(in_force()))


PIPELINE_ACTIONS: dict[str, Callable[..., ConfigVersion | None]] = {
    "default": edits.pipeline_make_default, "archive": edits.pipeline_archive, "restore": edits.pipeline_restore}


@admin_only
@require_POST
def pipeline_action(request: HttpRequest, key: str) -> HttpResponse:
    """Make a pipeline the default, archive it or restore it."""
    state = in_force()
    base = base_version(request)
    if not any(p.get("key") == key for p in state.document.get("pipelines") or []):
        raise Http404
    change = PIPELINE_ACTIONS.get(request.POST.get("action", ""))
    if change is None:
        raise BadRequest("action")
    outcome = attempt(change, actor=request.user, key=key, base_version=base)
    if outcome.status == 200:
        return _saved_response(request, outcome.version, reverse("customization:pipelines"))
    context = _pipelines_context(in_force()) | {"outcome": outcome, "base": base}
    return render(request, "customization/pipelines.html", context, status=outcome.status)


def _required_field_choices(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    from .meta import builtin_meta

    choices = [(item["key"], item["label"]) for item in builtin_meta("deal")]
    choices += [(f"custom.{spec['key']}", localized(spec.get("label")) or spec["key"])
                for spec in ordered_active(field_specs(document, "deal"))]
    return choices


def _pipeline_form_context(state: InForce, form: PipelineForm, stages: list[Row], original: str, base: int,
                           outcome: Outcome | None = None, asks: list[dict[str, Any]] | None = None
                           ) -> dict[str, Any]:
    return {
        "form": form, "stages": stages, "original": original, "base": base, "outcome": outcome or Outcome(),
        "asks": asks or [], "kinds": list(STAGE_KIND_LABELS.items()),
        "required_choices": _required_field_choices(state.document), "blank_stage": Row("__ROW__", BLANK_STAGE),
        "section": "pipelines",
    }


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def pipeline_edit(request: HttpRequest, key: str = "") -> HttpResponse:
    """Add a pipeline (no key) or change one: its names, default, archived, and its ordered stages."""
    state = in_force()
    pipelines_list = state.document.get("pipelines") or []
    index = next((i for i, p in enumerate(pipelines_list) if p.get("key") == key), None) if key else None
    if key and index is None:
        raise Http404
    if request.method != "POST":
        existing = pipelines_list[index] if index is not None else {}
        form = PipelineForm(initial=PipelineForm.initial_from(existing), existing=key)
        stages = stage_rows_from(existing) if existing else [
            Row("a1", {**BLANK_STAGE, "kind": "open"}), Row("a2", {**BLANK_STAGE, "kind": "won"}),
            Row("a3", {**BLANK_STAGE, "kind": "lost"})]
        return render(request, "customization/pipeline_form.html",
                      _pipeline_form_context(state, form, stages, key, state.number))
    base = base_version(request)
    form = PipelineForm(request.POST, existing=key)
    stages = posted_stages(request.POST)
    form.is_valid()
    if apply_row_actions(stages, request.POST, "stage", BLANK_STAGE):
        return render(request, "customization/pipeline_form.html",
                      _pipeline_form_context(state, form, stages, key, base))
    spec = form.build_spec(stages)
    if form.errors or row_has_errors(stages):
        outcome = Outcome(errors=[ConfigError("$", _("Correct the marked inputs."))])
        return render(request, "customization/pipeline_form.html",
                      _pipeline_form_context(state, form, stages, key, base, outcome), status=400)
    # the document this save would make: its stages are where the deals of removed ones may go
    target, index = edits.with_pipeline(state.document, spec, key)
    moves = chosen_moves(request, target)
    outcome = attempt(edits.pipeline_save, actor=request.user, spec=spec, original_key=key or None,
                      base_version=base, note=form.cleaned_data.get("note", ""), moves=moves)
    if outcome.status == 200:
        return _saved_response(request, outcome.version, reverse("customization:pipelines"))
    asks, rest = split_moves(outcome.errors, target, moves)
    form.place_errors(rest, index, stages)
    return render(request, "customization/pipeline_form.html",
                  _pipeline_form_context(in_force(), form, stages, key, base, outcome, asks),
                  status=outcome.status)


# --- the whole document ------------------------------------------------------------------------------

def _pretty(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def json_document(request: HttpRequest) -> HttpResponse:
    """The whole document as text: download, upload or paste, validate (dry run) and save."""
    state = in_force()
    context: dict[str, Any] = {"state": state, "base": state.number, "section": "json", "outcome": Outcome(),
                               "asks": [], "validated": False}
    if request.method != "POST":
        document: Any = state.document
        preset = request.GET.get("preset", "")
        if preset:  # a preset to adjust before saving (for example where the deals of removed stages go)
            try:
                document = load_preset(preset)
            except KeyError:
                raise Http404 from None
        context["form"] = JsonForm(initial={"text": _pretty(document)})
        return render(request, "customization/json.html", context)
    base = base_version(request)
    form = JsonForm(request.POST, request.FILES)
    context |= {"form": form, "base": base}
    form.is_valid()
    text, document = form.parsed()
    form.data = form.data.copy()
    form.data["text"] = text
    if document is None:
        return render(request, "customization/json.html", context, status=400)
    moves = chosen_moves(request, document)
    if request.POST.get("action") == "save":
        outcome = attempt(edits.config_replace, actor=request.user, document=document, base_version=base,
                          note=form.cleaned_data.get("note", ""), moves=moves)
        if outcome.version:
            return _saved_response(request, outcome.version, reverse("customization:json"))
    else:
        outcome = Outcome(errors=services.config_validate(document, moves=moves))
        context["validated"] = True
    asks, rest = split_moves(outcome.errors, document, moves)
    context |= {"outcome": outcome, "asks": asks, "errors": rest}
    return render(request, "customization/json.html", context, status=outcome.status)


@admin_only
@require_safe
def json_download(request: HttpRequest) -> HttpResponse:
    """The document in force, or of `?version=N`, as a .json file."""
    state = in_force()
    try:
        number = int(request.GET.get("version", state.number))
    except ValueError:
        raise Http404 from None
    document = state.document if number == state.number else services.version_document(number)
    slug = getattr(request.tenant, "slug", "") or "workspace"
    response = HttpResponse(_pretty(document) + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-config-v{number}.json"'
    return response


# --- history -----------------------------------------------------------------------------------------

def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return json.dumps(value, ensure_ascii=False)


def _diff_rows(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
    return [{"path": c["path"], "change": c["change"], "change_label": labels[c["change"]],
             "old": _show(c["old"]), "new": _show(c["new"])} for c in changes]


def _version_numbers() -> list[int]:
    return [*ConfigVersion.objects.order_by("-number").values_list("number", flat=True)[:HISTORY_LIMIT], 0]


@admin_only
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    state = in_force()
    rows = list(selectors.versions()[:HISTORY_LIMIT])
    numbers = [row.number for row in rows] + [0]
    diff: dict[str, Any] | None = None
    if "from" in request.GET or "to" in request.GET:
        try:
            old, new = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
        except ValueError:
            old = new = -1
        exists = set(numbers) | set(ConfigVersion.objects.filter(number__in=[old, new])
                                    .values_list("number", flat=True))
        if old in exists and new in exists:
            diff = {"from": old, "to": new, "changes": _diff_rows(selectors.version_diff(old, new))}
        else:
            diff = {"from": old, "to": new, "missing": True}
    return render(request, "customization/history.html", {
        "state": state, "versions": rows, "numbers": numbers, "diff": diff, "section": "history",
    })


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def rollback(request: HttpRequest, number: int) -> HttpResponse:
    """Confirm, then make version `number` current again as a new version."""
    target = services.version_document(number)  # Http404 when there is no such version
    step = _confirm(request, target, lambda base, note, moves: attempt(
        services.config_rollback, actor=request.user, to_version=number, base_version=base, note=note, moves=moves))
    if step.outcome.version:
        return _saved_response(request, step.outcome.version, reverse("customization:history"))
    return render(request, "customization/rollback_confirm.html", {
        "number": number, "section": "history", **step.context(target)}, status=step.outcome.status)
