"""Teams API: everyone reads, admins write."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import ScopedGenericAPIView

from . import services
from .models import Team


class TeamOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    manager = serializers.IntegerField(source="manager_id", allow_null=True)
    members = serializers.SerializerMethodField()

    def get_members(self, team: Team) -> list[int]:
        return sorted(member.pk for member in team.members.all())


class TeamIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    manager = serializers.IntegerField(required=False, allow_null=True)
    members = serializers.ListField(child=serializers.IntegerField(), required=False)


def _kwargs(data: dict) -> dict:
    return {"name": data.get("name"), "manager_id": data.get("manager"), "member_ids": data.get("members")}


@extend_schema(tags=["teams"])
class TeamListView(ScopedGenericAPIView):
    serializer_class = TeamOut

    def scoped_queryset(self):
        return Team.objects.prefetch_related("members").order_by("name")

    @extend_schema(responses=TeamOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TeamOut(page, many=True).data)

    @extend_schema(request=TeamIn, responses={201: TeamOut})
    def post(self, request: Request) -> Response:
        data = TeamIn(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_save(actor=request.user, **_kwargs(data.validated_data))
        return Response(TeamOut(team).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["teams"])
class TeamDetailView(ScopedGenericAPIView):
    serializer_class = TeamOut

    def scoped_queryset(self):
        return Team.objects.prefetch_related("members")

    def get(self, request: Request, pk: int) -> Response:
        return Response(TeamOut(self.get_object()).data)

    @extend_schema(request=TeamIn)
    def patch(self, request: Request, pk: int) -> Response:
        data = TeamIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        team = services.team_save(actor=request.user, team=self.get_object(), **_kwargs(data.validated_data))
        return Response(TeamOut(team).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.team_delete(actor=request.user, team=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
