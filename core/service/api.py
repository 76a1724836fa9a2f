"""The tickets API: thin views over core.service.selectors and services (the records API's base views)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.access.scoping import access_of
from core.api.base import ScopedGenericAPIView, json_object
from core.entities.fields import input_serializer
from core.records.api import RecordDetailView, RecordListView

from . import filters, selectors, services
from . import serializers as out

SEARCH = OpenApiParameter("q", str, description="Words of the subject.")
TicketIn = input_serializer("TicketIn", services.TICKET_FIELDS, optional=tuple(services.TICKET_DEFAULTS))
TicketUpdateIn = input_serializer("TicketUpdateIn", services.TICKET_UPDATE_FIELDS)


class TicketViews:
    """Where the ticket views read and write (this app's selectors, services and output)."""

    entity = "ticket"
    request: Request

    def scoped_queryset(self):
        return selectors.tickets(actor=self.request.user)

    def out(self, record) -> dict:
        return out.ticket_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.ticket_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.ticket_update(actor=self.request.user, ticket=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.ticket_delete(actor=self.request.user, ticket=record, version=version)


@extend_schema(parameters=[SEARCH], tags=["tickets"], request=TicketIn)
class TicketListView(TicketViews, RecordListView):
    serializer_class = out.TicketOut
    filterset_class = filters.TicketFilter
    text_fields = ("subject",)
    ordering_fields = ["id", "created_at", "updated_at", "first_response_due_at", "resolution_due_at",
                       "next_due_at", "priority_rank"]


@extend_schema(tags=["tickets"], request=TicketUpdateIn)
class TicketDetailView(TicketViews, RecordDetailView):
    serializer_class = out.TicketOut


class TicketActionView(ScopedGenericAPIView):
    """POST /tickets/{id}/<action>: the ticket is looked up in the actor's scope, the service does the rest."""

    serializer_class = out.TicketOut

    def scoped_queryset(self):
        return selectors.tickets(actor=self.request.user)

    def answer(self, ticket) -> Response:
        return Response(out.ticket_out(ticket, access_of(self.request.user)), status=status.HTTP_200_OK)


@extend_schema(tags=["tickets"], request=None, summary="Record an answer to the customer (first response)")
class TicketRespondView(TicketActionView):
    def post(self, request: Request, pk: int) -> Response:
        return self.answer(services.ticket_respond(actor=request.user, ticket=self.get_object()))


class ResolveIn(serializers.Serializer):
    resolution = serializers.CharField(help_text="How the request was solved.")


@extend_schema(tags=["tickets"], request=ResolveIn, summary="Resolve a ticket")
class TicketResolveView(TicketActionView):
    def post(self, request: Request, pk: int) -> Response:
        data = json_object(request)
        return self.answer(services.ticket_resolve(actor=request.user, ticket=self.get_object(),
                                                   resolution=data.get("resolution", "")))


@extend_schema(tags=["tickets"], request=None, summary="Close a ticket")
class TicketCloseView(TicketActionView):
    def post(self, request: Request, pk: int) -> Response:
        return self.answer(services.ticket_close(actor=request.user, ticket=self.get_object()))


@extend_schema(tags=["tickets"], request=None, summary="Reopen a resolved or closed ticket")
class TicketReopenView(TicketActionView):
    def post(self, request: Request, pk: int) -> Response:
        return self.answer(services.ticket_reopen(actor=request.user, ticket=self.get_object()))


class RateIn(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True)


@extend_schema(tags=["tickets"], request=RateIn, summary="Record the customer's satisfaction (after resolution)")
class TicketRateView(TicketActionView):
    def post(self, request: Request, pk: int) -> Response:
        data = json_object(request)
        return self.answer(services.ticket_rate(actor=request.user, ticket=self.get_object(),
                                                score=data.get("score"), comment=data.get("comment", "")))


class AssignIn(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, help_text="A user id, or null to unassign.")


@extend_schema(tags=["tickets"], request=AssignIn, summary="Assign a ticket")
class TicketAssignView(TicketActionView):
    def post(self, request: Request, pk: int) -> Response:
        data = json_object(request)
        return self.answer(services.ticket_assign(actor=request.user, ticket=self.get_object(),
                                                  assignee=data.get("assignee")))


class IntakeAccountOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()


@extend_schema(tags=["tickets"], parameters=[OpenApiParameter(
    "q", str, required=True, description="The caller's full phone number, email or company name.")],
    responses=IntakeAccountOut(many=True), summary="Find a caller's account to file a ticket (service desk)")
class TicketIntakeView(ScopedGenericAPIView):
    """GET /tickets/intake?q=: exact matches only, each one audited; the desk may then file on them."""

    serializer_class = IntakeAccountOut
    pagination_class = None

    def scoped_queryset(self):
        return selectors.tickets(actor=self.request.user).none()

    def get(self, request: Request) -> Response:
        found = services.intake_lookup(actor=request.user, query=request.query_params.get("q", ""))
        return Response([{"id": a.pk, "name": a.name, "province": a.province, "city": a.city} for a in found])
