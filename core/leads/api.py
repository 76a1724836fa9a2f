"""The leads API: thin views over core.leads.selectors and services (the records views, other modules)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.access.scoping import access_of
from core.api.base import ScopedGenericAPIView
from core.entities.fields import input_serializer
from core.records.api import SEARCH, RecordDetailView, RecordListView

from . import filters, selectors, services
from . import serializers as out

LeadIn = input_serializer("LeadIn", services.LEAD_FIELDS)


class LeadViews:
    """Where the lead views read and write (this app's selectors, services and output)."""

    entity = "lead"
    request: Request

    def scoped_queryset(self):
        return selectors.leads(actor=self.request.user)

    def out(self, record) -> dict:
        return out.lead_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.lead_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.lead_update(actor=self.request.user, lead=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.lead_delete(actor=self.request.user, lead=record, version=version)


@extend_schema(parameters=[SEARCH], tags=["leads"], request=LeadIn)
class LeadListView(LeadViews, RecordListView):
    serializer_class = out.LeadOut
    filterset_class = filters.LeadFilter
    text_fields = ("company", "name")
    ordering_fields = ["id", "name", "company", "score", "created_at", "updated_at"]


@extend_schema(tags=["leads"], request=LeadIn)
class LeadDetailView(LeadViews, RecordDetailView):
    serializer_class = out.LeadOut


class ConvertIn(serializers.Serializer):
    account = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="An existing account to convert into; omit to create one.")
    create_deal = serializers.BooleanField(required=False, default=False)
    deal_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                      allow_null=True, default=None)


@extend_schema(tags=["leads"], request=ConvertIn, responses=out.LeadOut,
               summary="Convert a qualified lead into an account, a contact and optionally a deal (once)")
class LeadConvertView(ScopedGenericAPIView):
    serializer_class = out.LeadOut

    def scoped_queryset(self):
        return selectors.leads(actor=self.request.user)

    def post(self, request: Request, pk: int) -> Response:
        data = ConvertIn(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        lead = services.lead_convert(actor=request.user, lead=self.get_object(), account_id=args["account"],
                                     create_deal=args["create_deal"], deal_name=args["deal_name"],
                                     amount=args["amount"])
        return Response(out.lead_out(lead, access_of(request.user)))
