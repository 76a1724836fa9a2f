"""The campaigns API: thin views over core.campaigns.selectors and services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.access.scoping import access_of
from core.api.base import ScopedGenericAPIView
from core.entities.fields import input_serializer
from core.records.api import SEARCH, RecordDetailView, RecordListView
from core.records.serializers import DealOut, deal_out

from . import filters, selectors, services
from . import serializers as out
from .models import Campaign

CampaignIn = input_serializer("CampaignIn", services.CAMPAIGN_FIELDS)

class _WithMetrics:
    """Services return the saved row; the answer shows it with its metrics, read back through the selector."""

    request: Request

    def out(self, record: Campaign) -> dict[str, Any]:
        if not hasattr(record, "lead_count"):
            record = selectors.campaign_for_read(actor=self.request.user, pk=record.pk)
        return out.campaign_out(record, access_of(self.request.user))


class CampaignViews(_WithMetrics):
    """Where the campaign views read and write (this app's selectors and services)."""

    entity = "campaign"

    def scoped_queryset(self):
        return selectors.campaigns(actor=self.request.user)

    def create(self, data: dict):
        return services.campaign_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.campaign_update(actor=self.request.user, campaign=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.campaign_delete(actor=self.request.user, campaign=record, version=version)


@extend_schema(parameters=[SEARCH], tags=["campaigns"], request=CampaignIn)
class CampaignListView(CampaignViews, RecordListView):
    serializer_class = out.CampaignOut
    filterset_class = filters.CampaignFilter
    ordering_fields = ["id", "name", "start_date", "end_date", "budget", "created_at", "updated_at"]


@extend_schema(tags=["campaigns"], request=CampaignIn)
class CampaignDetailView(CampaignViews, RecordDetailView):
    serializer_class = out.CampaignOut


class MembersIn(serializers.Serializer):
    leads = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                  max_length=services.MAX_MEMBERS_PER_CALL)
    contacts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                     max_length=services.MAX_MEMBERS_PER_CALL)


class _CampaignActionView(_WithMetrics, ScopedGenericAPIView):
    serializer_class = out.CampaignOut

    def scoped_queryset(self):
        return selectors.campaigns(actor=self.request.user)


@extend_schema(tags=["campaigns"], request=MembersIn)
class CampaignMembersView(_CampaignActionView):
    """GET the members the actor may see; POST adds leads and contacts; DELETE removes them."""

    @extend_schema(responses=out.MemberOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        members = selectors.campaign_members(actor=request.user, campaign=self.get_object())
        page = self.paginate_queryset(members)
        access = access_of(request.user)
        return self.get_paginated_response([out.member_out(member, access) for member in page])

    def _ids(self, request: Request) -> dict[str, list[int]]:
        data = MembersIn(data=request.data)
        data.is_valid(raise_exception=True)
        return {"lead_ids": data.validated_data["leads"], "contact_ids": data.validated_data["contacts"]}

    @extend_schema(responses=out.MembersAddedOut)
    def post(self, request: Request, pk: int) -> Response:
        campaign = self.get_object()
        added = services.campaign_add_members(actor=request.user, campaign=campaign, **self._ids(request))
        return Response({"added": added, "campaign": self.out(Campaign(pk=campaign.pk))})

    @extend_schema(responses={200: out.MembersRemovedOut})
    def delete(self, request: Request, pk: int) -> Response:
        campaign = self.get_object()
        removed = services.campaign_remove_members(actor=request.user, campaign=campaign, **self._ids(request))
        return Response({"removed": removed, "campaign": self.out(Campaign(pk=campaign.pk))})


class AttributeIn(serializers.Serializer):
    deal = serializers.IntegerField()


@extend_schema(tags=["campaigns"], request=AttributeIn)
class CampaignDealsView(_CampaignActionView):
    """GET the attributed deals the actor may see; POST attributes one more deal (idempotent)."""

    @extend_schema(responses=DealOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        found = selectors.campaign_deals(actor=request.user, campaign=self.get_object())
        page = self.paginate_queryset(found)
        access = access_of(request.user)
        return self.get_paginated_response([deal_out(deal, access) for deal in page])

    @extend_schema(responses={201: out.DealAttributedOut, 200: out.DealAttributedOut})
    def post(self, request: Request, pk: int) -> Response:
        data = AttributeIn(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = self.get_object()
        _link, created = services.campaign_attribute_deal(actor=request.user, campaign=campaign,
                                                          deal_id=data.validated_data["deal"])
        return Response({"deal": data.validated_data["deal"], "campaign": self.out(Campaign(pk=campaign.pk))},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
