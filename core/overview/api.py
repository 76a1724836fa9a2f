"""GET /api/v1/accounts/{id}/overview: the 360 view as JSON, one part per registered panel."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import ScopedGenericAPIView
from core.audit.services import audit_record
from core.entities.registry import registry

from .panels import panels
from .selectors import account_overview


def overview_serializer() -> type[serializers.Serializer]:
    """The answer's shape, from the parts the registered panels declare (built once per process)."""
    global _overview_out
    if _overview_out is None:
        fields: dict = {}
        for panel in panels():
            if panel.schema is not None:
                fields.update(panel.schema())
        _overview_out = type("AccountOverviewOut", (serializers.Serializer,), fields)
    return _overview_out


_overview_out: type[serializers.Serializer] | None = None


@extend_schema(tags=["accounts"], summary="The 360 view of an account")
class AccountOverviewView(ScopedGenericAPIView):
    def get_serializer_class(self):
        return overview_serializer()

    def scoped_queryset(self):
        return registry.get("account").open_queryset(actor=self.request.user)

    def get(self, request: Request, pk: int) -> Response:
        account = self.get_object()
        overview = account_overview(actor=request.user, account=account)
        audit_record(actor=request.user, action="view", entity="account", record=account,
                     record_label=str(account), fields=["overview"])
        body: dict = {}
        for panel in panels():
            if panel.api is not None:
                body.update(panel.api(overview))
        return Response(body)
