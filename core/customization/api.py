"""The configuration API: read, validate, save (If-Match), history, diff, rollback, presets, field metadata,
and edits of one custom field or pipeline.

GET /config answers the document with its version (also as the ETag); PUT /config needs `If-Match` with
the version it was edited from — a missing header is 428, an old one 409 — and saves nothing when the
document has any error (400 listing every error by JSON path). The smaller endpoints under
/config/custom-fields/… and /config/pipelines/… take the same `If-Match` and call the edit services the
settings pages call (core/customization/edits.py), so a change means the same wherever it is made; an
edit that changes nothing saves no version and answers the version in force. Everyone in the workspace
reads the configuration (forms are drawn from it); only admins and owners change it or read its history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.access.scoping import access_of, require
from core.api.base import WorkspaceAPIView
from core.api.errors import ApplicationError
from core.entities.registry import registry

from . import edits, selectors, services
from .current import current_config, current_version, entities
from .models import ConfigVersion
from .schema import presets


class PreconditionRequired(ApplicationError):
    status_code = 428
    code = "precondition_required"


def _base_version(request: Request) -> int:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("Send the version you edited in the If-Match header (the ETag of GET /api/v1/config)."))
    value = header.removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError:
        raise PreconditionRequired(_("If-Match must be a configuration version number, such as \"3\".")) from None


def _version_out(version) -> dict[str, Any]:
    return {"version": version.number, "author": version.author_id, "author_label": version.author_label,
            "created_at": version.created_at.isoformat(), "note": version.note,
            "rolled_back_to": version.rolled_back_to, "preset": version.preset}


class ConfigIn(serializers.Serializer):
    document = serializers.JSONField(help_text="The whole configuration document (config_schemas/).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    stage_moves = serializers.DictField(child=serializers.CharField(), required=False,
                                        help_text='Where deals of removed stages go: {"pipeline.stage": '
                                                  '"pipeline.stage"}.')


class ConfigOut(serializers.Serializer):
    version = serializers.IntegerField()
    document = serializers.JSONField()


class ConfigErrorOut(serializers.Serializer):
    path = serializers.CharField(help_text="JSON path in the document, e.g. custom_fields.deal.0.key.")
    message = serializers.CharField()


class ConfigValidationOut(serializers.Serializer):
    valid = serializers.BooleanField()
    version = serializers.IntegerField(help_text="The version in force.")
    errors = ConfigErrorOut(many=True)


class VersionOut(serializers.Serializer):
    version = serializers.IntegerField()
    author = serializers.IntegerField(allow_null=True, required=False)
    author_label = serializers.CharField(allow_blank=True, required=False)
    created_at = serializers.DateTimeField(required=False)
    note = serializers.CharField(allow_blank=True)
    rolled_back_to = serializers.IntegerField(allow_null=True, required=False)
    preset = serializers.CharField(allow_blank=True, allow_null=True)


class VersionsOut(serializers.Serializer):
    current = serializers.IntegerField()
    results = VersionOut(many=True)


class VersionDocumentOut(VersionOut):
    document = serializers.JSONField()


class ChangeOut(serializers.Serializer):
    path = serializers.CharField()
    change = serializers.CharField(help_text="added, removed or changed.")
    old = serializers.JSONField(allow_null=True, required=False)
    new = serializers.JSONField(allow_null=True, required=False)


DiffOut = type("DiffOut", (serializers.Serializer,), {  # `from` is a keyword: no class statement can name it
    "from": serializers.IntegerField(), "to": serializers.IntegerField(), "changes": ChangeOut(many=True)})


class PresetOut(serializers.Serializer):
    key = serializers.CharField()
    file = serializers.CharField()
    label = serializers.DictField(child=serializers.CharField(), help_text="By language: zh-hans, en.")
    description = serializers.DictField(child=serializers.CharField(), help_text="By language: zh-hans, en.")


class BuiltinFieldOut(serializers.Serializer):
    key = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()


class MetaFieldsOut(serializers.Serializer):
    entity = serializers.CharField()
    version = serializers.IntegerField()
    builtin = BuiltinFieldOut(many=True, help_text="Also max_length, min, max and options where they apply.")
    custom = serializers.ListField(child=serializers.DictField(), help_text="The custom fields this role sees.")


def _answer(number: int, document: Any, status_code: int = 200) -> Response:
    return Response({"version": number, "document": document}, status=status_code, headers={"ETag": f'"{number}"'})


@extend_schema(tags=["configuration"])
class ConfigView(WorkspaceAPIView):
    @extend_schema(responses=ConfigOut, summary="The configuration in force, with its version (also the ETag)")
    def get(self, request: Request) -> Response:
        """Admins read the whole document; others without the fields hidden from them and plugin settings."""
        from .reader import document_for

        config = current_config()
        return _answer(config.number, document_for(request.user, config.document))

    @extend_schema(request=ConfigIn, responses=ConfigOut, parameters=[OpenApiParameter(
        "If-Match", str, OpenApiParameter.HEADER, required=True, description="The version you edited.")],
        summary="Save a new version of the whole document (admins)")
    def put(self, request: Request) -> Response:
        require(services.may_configure(request.user))
        base = _base_version(request)
        data = ConfigIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = edits.config_replace(actor=request.user, document=data.validated_data["document"],
                                       base_version=base, note=data.validated_data.get("note", ""),
                                       moves=data.validated_data.get("stage_moves"))
        return _answer(version.number, version.document)


class ValidateIn(serializers.Serializer):
    document = serializers.JSONField()
    stage_moves = serializers.DictField(child=serializers.CharField(), required=False)


@extend_schema(tags=["configuration"], request=ValidateIn, responses=ConfigValidationOut,
               summary="Dry run: every error the document would get, nothing saved")
class ConfigValidateView(WorkspaceAPIView):
    def post(self, request: Request) -> Response:
        require(services.may_configure(request.user))
        data = ValidateIn(data=request.data)
        data.is_valid(raise_exception=True)
        errors = services.config_validate(data.validated_data["document"],
                                          moves=data.validated_data.get("stage_moves"))
        return Response({"valid": not errors, "version": current_version(),
                         "errors": [{"path": e.path, "message": e.message} for e in errors]})


@extend_schema(tags=["configuration"], responses=VersionsOut, summary="The history of versions, newest first (admins)")
class ConfigVersionsView(WorkspaceAPIView):
    def get(self, request: Request) -> Response:
        require(services.may_configure(request.user))
        rows = [_version_out(v) for v in selectors.versions()[:500]]
        return Response({"current": current_version(), "results": rows})


@extend_schema(tags=["configuration"], responses=VersionDocumentOut, summary="One version's document (admins)")
class ConfigVersionView(WorkspaceAPIView):
    def get(self, request: Request, number: int) -> Response:
        require(services.may_configure(request.user))
        version = selectors.versions().filter(number=number).first()
        if version is None and number != 0:
            raise Http404
        body = _version_out(version) if version else {"version": 0, "note": "", "preset": "blank"}
        return Response(body | {"document": services.version_document(number)})


@extend_schema(tags=["configuration"], parameters=[OpenApiParameter("from", int, required=True),
                                                  OpenApiParameter("to", int, required=True)],
               responses=DiffOut, summary="What changed between two versions (admins)")
class ConfigDiffView(WorkspaceAPIView):
    error_statuses = (404,)  # a version that does not exist

    def get(self, request: Request) -> Response:
        require(services.may_configure(request.user))
        try:
            old, new = int(request.query_params["from"]), int(request.query_params["to"])
        except (KeyError, ValueError):
            raise ApplicationError(_("Give two version numbers: ?from=1&to=2."), code="invalid") from None
        return Response({"from": old, "to": new, "changes": selectors.version_diff(old, new)})


class RollbackIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    stage_moves = serializers.DictField(child=serializers.CharField(), required=False)


@extend_schema(tags=["configuration"], request=RollbackIn, responses={201: ConfigOut}, parameters=[OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True)],
    summary="Make an old version current again, as a new version (admins)")
class ConfigRollbackView(WorkspaceAPIView):
    error_statuses = (404,)  # a version that does not exist
    def post(self, request: Request) -> Response:
        require(services.may_configure(request.user))
        base = _base_version(request)
        data = RollbackIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.config_rollback(actor=request.user, to_version=data.validated_data["version"],
                                           base_version=base, note=data.validated_data.get("note", ""),
                                           moves=data.validated_data.get("stage_moves"))
        return _answer(version.number, version.document, status.HTTP_201_CREATED)


@extend_schema(tags=["configuration"], responses=PresetOut(many=True), summary="The presets a workspace can start from")
class ConfigPresetsView(WorkspaceAPIView):
    def get(self, request: Request) -> Response:
        return Response(presets())


@extend_schema(tags=["configuration"], responses=MetaFieldsOut,
               summary="Built-in and custom fields of an entity, to draw a form")
class MetaFieldsView(WorkspaceAPIView):
    def get(self, request: Request, entity: str) -> Response:
        if entity not in entities():
            raise Http404
        from .meta import builtin_meta

        access = access_of(request.user)
        role = access.role or ""
        readable = registry.get(entity).readable_fields(access)
        builtin = [item for item in builtin_meta(entity) if readable is None or item["key"] in readable]
        return Response({"entity": entity, "version": current_version(), "builtin": builtin,
                         "custom": current_config().fields(entity).describe(role=role)})


# --- edits of one custom field or pipeline ------------------------------------------------------------

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description="The configuration version you edited (the ETag of GET /api/v1/config).")
STAGE_MOVES_HELP = 'Where deals of removed stages go: {"pipeline.stage": "pipeline.stage"}.'


def _edited(version: ConfigVersion | None) -> tuple[int, Any]:
    """(number, document) of what an edit left in force: its new version, or the one it did not change."""
    if version is None:
        config = current_config()
        return config.number, config.document
    return version.number, version.document


def _part(number: int, name: str, value: Any, status_code: int = 200) -> Response:
    return Response({"version": number, name: value}, status=status_code, headers={"ETag": f'"{number}"'})


def _keyed(items: Any, key: str) -> Any:
    return next((item for item in items or [] if item.get("key") == key), None)


def _same_key(spec: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    """The posted spec with the key of the address; a different key in the body is refused."""
    if "key" in spec and spec["key"] != key:
        message = _("The key in the body (%(body)s) must be the key in the address (%(key)s).") % {
            "body": spec["key"], "key": key}
        raise ApplicationError(message, code="invalid", fields=[{"path": f"{name}.key", "code": "invalid",
                                                                  "message": message}])
    return {"key": key, **spec}


def _known_entity(entity: str) -> str:
    if entity not in entities():
        raise Http404
    return entity


class FieldIn(serializers.Serializer):
    field = serializers.DictField(help_text="The field as in custom_fields (config_schemas/custom-fields.schema"
                                            ".json); its key is the one in the address.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FieldOut(serializers.Serializer):
    version = serializers.IntegerField()
    field = serializers.JSONField()


class OrderIn(serializers.Serializer):
    order = serializers.ListField(child=serializers.CharField(), allow_empty=False,
                                  help_text="Keys of active fields in form order; active fields left out follow.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class OrderOut(serializers.Serializer):
    version = serializers.IntegerField()
    order = serializers.ListField(child=serializers.CharField())


class PipelineIn(serializers.Serializer):
    pipeline = serializers.DictField(help_text="The pipeline with its stages (config_schemas/pipelines.schema."
                                               "json); its key is the one in the address.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    stage_moves = serializers.DictField(child=serializers.CharField(), required=False, help_text=STAGE_MOVES_HELP)


class PipelineOut(serializers.Serializer):
    version = serializers.IntegerField()
    pipeline = serializers.JSONField()


@extend_schema(tags=["configuration"], parameters=[IF_MATCH])
class CustomFieldView(WorkspaceAPIView):
    @extend_schema(request=FieldIn, responses={200: FieldOut, 201: FieldOut},
                   summary="Add a custom field (201) or change one, its key fixed (admins)")
    def put(self, request: Request, entity: str, key: str) -> Response:
        require(services.may_configure(request.user))
        entity = _known_entity(entity)
        base = _base_version(request)
        data = FieldIn(data=request.data)
        data.is_valid(raise_exception=True)
        spec = _same_key(data.validated_data["field"], key, "field")
        exists = _keyed(edits.field_specs(current_config().document, entity), key) is not None
        version = edits.custom_field_save(actor=request.user, entity=entity, spec=spec,
                                          original_key=key if exists else None, base_version=base,
                                          note=data.validated_data.get("note", ""))
        number, document = _edited(version)
        return _part(number, "field", _keyed(edits.field_specs(document, entity), key),
                     status.HTTP_200_OK if exists else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FieldOut,
                   summary="Archive a custom field: hidden everywhere, its stored values kept (admins)")
    def delete(self, request: Request, entity: str, key: str) -> Response:
        require(services.may_configure(request.user))
        entity = _known_entity(entity)
        version = edits.custom_field_archive(actor=request.user, entity=entity, key=key,
                                             base_version=_base_version(request))
        number, document = _edited(version)
        return _part(number, "field", _keyed(edits.field_specs(document, entity), key))


@extend_schema(tags=["configuration"], parameters=[IF_MATCH], request=None, responses=FieldOut,
               summary="Restore an archived custom field with its values (admins)")
class CustomFieldRestoreView(WorkspaceAPIView):
    def post(self, request: Request, entity: str, key: str) -> Response:
        require(services.may_configure(request.user))
        entity = _known_entity(entity)
        version = edits.custom_field_restore(actor=request.user, entity=entity, key=key,
                                             base_version=_base_version(request))
        number, document = _edited(version)
        return _part(number, "field", _keyed(edits.field_specs(document, entity), key))


@extend_schema(tags=["configuration"], parameters=[IF_MATCH], request=OrderIn, responses=OrderOut,
               summary="Reorder the active custom fields of an entity (admins)")
class CustomFieldOrderView(WorkspaceAPIView):
    def patch(self, request: Request, entity: str) -> Response:
        require(services.may_configure(request.user))
        entity = _known_entity(entity)
        base = _base_version(request)
        data = OrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = edits.custom_fields_reorder(actor=request.user, entity=entity, keys=data.validated_data["order"],
                                              base_version=base, note=data.validated_data.get("note", ""))
        number, document = _edited(version)
        return _part(number, "order", [spec["key"] for spec in edits.ordered_active(edits.field_specs(document,
                                                                                                      entity))])


@extend_schema(tags=["configuration"], parameters=[IF_MATCH])
class PipelineView(WorkspaceAPIView):
    @extend_schema(request=PipelineIn, responses={200: PipelineOut, 201: PipelineOut},
                   summary="Add a pipeline (201) or change one with its stages (admins)")
    def put(self, request: Request, key: str) -> Response:
        require(services.may_configure(request.user))
        base = _base_version(request)
        data = PipelineIn(data=request.data)
        data.is_valid(raise_exception=True)
        spec = _same_key(data.validated_data["pipeline"], key, "pipeline")
        exists = _keyed(current_config().document.get("pipelines"), key) is not None
        version = edits.pipeline_save(actor=request.user, spec=spec, original_key=key if exists else None,
                                      base_version=base, note=data.validated_data.get("note", ""),
                                      moves=data.validated_data.get("stage_moves"))
        number, document = _edited(version)
        return _part(number, "pipeline", _keyed(document.get("pipelines"), key),
                     status.HTTP_200_OK if exists else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PipelineOut,
                   summary="Archive a pipeline: no new deals, those in it stay (admins)")
    def delete(self, request: Request, key: str) -> Response:
        return _pipeline_flag(request, key, edits.pipeline_archive)


def _pipeline_flag(request: Request, key: str, change: Callable[..., ConfigVersion | None]) -> Response:
    """Archive, restore or make default: one edit service, If-Match, the pipeline as it is afterwards."""
    require(services.may_configure(request.user))
    version = change(actor=request.user, key=key, base_version=_base_version(request))
    number, document = _edited(version)
    return _part(number, "pipeline", _keyed(document.get("pipelines"), key))


@extend_schema(tags=["configuration"], parameters=[IF_MATCH], request=None, responses=PipelineOut,
               summary="Restore an archived pipeline (admins)")
class PipelineRestoreView(WorkspaceAPIView):
    def post(self, request: Request, key: str) -> Response:
        return _pipeline_flag(request, key, edits.pipeline_restore)


@extend_schema(tags=["configuration"], parameters=[IF_MATCH], request=None, responses=PipelineOut,
               summary="Make a pipeline the default for new deals (admins)")
class PipelineDefaultView(WorkspaceAPIView):
    def post(self, request: Request, key: str) -> Response:
        return _pipeline_flag(request, key, edits.pipeline_make_default)
