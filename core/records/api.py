"""The records API: thin views over core.records.selectors and services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.access.scoping import access_of, access_record
from core.api.base import ScopedGenericAPIView, json_object
from core.api.filtering import RequestedFiltersBackend
from core.customization.filtering import CustomOrderingFilter, annotate_for_ordering, apply_custom_filters
from core.customization.query_rules import QueryRules
from core.entities.fields import input_serializer
from core.writepath.versions import etag, parse_if_match

from . import filters, selectors, services
from . import serializers as out
from .models import Account

SEARCH = OpenApiParameter("q", str, description=(
    "Any part of a name or email the role may read; a phone by its last four digits or the whole number "
    "(roles that may reveal phones; audited)."))

AccountIn = input_serializer("AccountIn", services.ACCOUNT_FIELDS)
ContactIn = input_serializer("ContactIn", services.CONTACT_FIELDS)
DealIn = input_serializer("DealIn", services.DEAL_FIELDS)
ProductIn = input_serializer("ProductIn", services.PRODUCT_FIELDS)


class RecordListView(ScopedGenericAPIView):
    """List (filter, search, order, cursor pages) and create one kind of record.

    Subclasses name the `entity` and say, in plain calls a reader can grep, where its rows come from
    (`scoped_queryset`), how one is shown (`out`) and which service creates one (`create`).
    """

    entity = ""
    lists_records = True  # GET answers a page of records (core.api.schema documents it so)
    filter_backends = [RequestedFiltersBackend, CustomOrderingFilter]
    ordering_fields = ["id", "name", "created_at", "updated_at"]
    ordering = ["-id"]
    text_fields: tuple[str, ...] = ("name",)
    serializer_class = out.AccountOut

    def out(self, record) -> dict:
        raise NotImplementedError

    def create(self, data: dict) -> Any:
        raise NotImplementedError

    def listed(self, request: Request) -> QuerySet:
        """The scoped rows the query string asks for: filters, custom filters, ordering and `q`.

        A filter or ordering by a field the caller's role may not read is a 400 naming the parameter,
        before any row is read (core.customization.query_rules); the search looks only into readable
        fields.
        """
        params = request.query_params
        rules = QueryRules(self.entity, access_of(request.user))
        rules.check(params, filterset_class=getattr(self, "filterset_class", None),
                    ordering_fields=self.ordering_fields)
        qs = self.get_queryset()
        if rules.entity.customizable:
            qs = apply_custom_filters(qs, self.entity, params, role=rules.role)
            qs = annotate_for_ordering(qs, self.entity, params.get("ordering", ""), role=rules.role)
        qs = self.filter_queryset(qs)
        query = params.get("q", "").strip()
        if query and hasattr(qs.model, "search_tokens"):
            qs = selectors.search(qs, query, actor=request.user, text_fields=self.text_fields)
        return qs

    def get(self, request: Request) -> Response:
        qs = self.listed(request)
        if hasattr(qs.model, "search_tokens"):
            qs = selectors.without_search_tokens(qs)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response([self.out(record) for record in page])

    def post(self, request: Request) -> Response:
        return Response(self.out(self.create(json_object(request))), status=status.HTTP_201_CREATED)


class RecordDetailView(ScopedGenericAPIView):
    """Read (audited as a view), change and delete one record: subclasses name the service of each
    (`update`, `remove`) besides `scoped_queryset` and `out`, as in RecordListView."""

    if_match_methods = ("PATCH", "DELETE")  # the record's ETag, checked by the write path (412 when stale)

    entity = ""
    serializer_class = out.AccountOut

    def out(self, record) -> dict:
        raise NotImplementedError

    def update(self, record, data: dict, version: int | None) -> Any:
        raise NotImplementedError

    def remove(self, record, version: int | None) -> None:
        raise NotImplementedError

    def read(self, pk: int):
        record = self.get_object()
        from core.audit.services import audit_record

        audit_record(actor=self.request.user, action="view", entity=self.entity, record=record,
                     record_label=str(record))
        return record

    def answer(self, record) -> Response:
        """The record, with its version as the ETag (send it back in If-Match to change it safely)."""
        return Response(self.out(record), headers={"ETag": etag(record)})

    def get(self, request: Request, pk: int) -> Response:
        return self.answer(self.read(pk))

    def patch(self, request: Request, pk: int) -> Response:
        """Change the fields sent; with `If-Match: "<version>"` a stale copy is refused (412), not saved."""
        version = parse_if_match(request.headers.get("If-Match"))
        return self.answer(self.update(self.get_object(), json_object(request), version))

    def delete(self, request: Request, pk: int) -> Response:
        self.remove(self.get_object(), parse_if_match(request.headers.get("If-Match")))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountViews:
    """Where the account views read and write: core.records' selectors, services and output."""

    entity = "account"
    request: Request

    def scoped_queryset(self):
        return selectors.accounts(actor=self.request.user)

    def out(self, record) -> dict:
        return out.account_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.account_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.account_update(actor=self.request.user, account=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.account_delete(actor=self.request.user, account=record, version=version)


class ContactViews:
    entity = "contact"
    request: Request

    def scoped_queryset(self):
        return selectors.contacts(actor=self.request.user)

    def out(self, record) -> dict:
        return out.contact_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.contact_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.contact_update(actor=self.request.user, contact=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.contact_delete(actor=self.request.user, contact=record, version=version)


class DealViews:
    entity = "deal"
    request: Request

    def scoped_queryset(self):
        return selectors.deals(actor=self.request.user)

    def out(self, record) -> dict:
        return out.deal_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.deal_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.deal_update(actor=self.request.user, deal=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.deal_delete(actor=self.request.user, deal=record, version=version)


class ProductViews:
    entity = "product"
    request: Request

    def scoped_queryset(self):
        return selectors.products(actor=self.request.user)

    def out(self, record) -> dict:
        return out.product_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.product_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.product_update(actor=self.request.user, product=record, data=data, version=version)


@extend_schema(parameters=[SEARCH], tags=["accounts"], request=AccountIn)
class AccountListView(AccountViews, RecordListView):
    entity = "account"
    filterset_class = filters.AccountFilter

    @extend_schema(responses={201: out.AccountCreatedOut})
    def post(self, request: Request) -> Response:
        """Create, and report likely duplicates (same company name, phone or email) in the answer."""
        from .duplicates import duplicates_of_account

        account = self.create(json_object(request))
        found = duplicates_of_account(actor=request.user, account=account)
        body = self.out(account) | {"possible_duplicates": {"ids": [a.pk for a in found.visible],
                                                            "hidden": found.hidden_count}}
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["accounts"], request=AccountIn)
class AccountDetailView(AccountViews, RecordDetailView):
    entity = "account"

    @extend_schema(responses={200: out.AccountOut, 301: OpenApiResponse(
        description="Merged into another account: the Location header names it.")})
    def get(self, request: Request, pk: int) -> Response:
        try:
            return super().get(request, pk)
        except Http404:
            target = selectors.merged_target(actor=request.user, pk=pk)
            if target is None:
                raise
            return Response(status=status.HTTP_301_MOVED_PERMANENTLY,
                            headers={"Location": f"/api/v1/accounts/{target.pk}"})


@extend_schema(parameters=[SEARCH], tags=["contacts"], request=ContactIn)
class ContactListView(ContactViews, RecordListView):
    entity = "contact"
    serializer_class = out.ContactOut
    filterset_class = filters.ContactFilter


@extend_schema(tags=["contacts"], request=ContactIn)
class ContactDetailView(ContactViews, RecordDetailView):
    entity = "contact"
    serializer_class = out.ContactOut


@extend_schema(tags=["deals"], request=DealIn)
class DealListView(DealViews, RecordListView):
    entity = "deal"
    serializer_class = out.DealOut
    filterset_class = filters.DealFilter
    ordering_fields = ["id", "name", "amount", "expected_close_date", "created_at", "updated_at"]


@extend_schema(tags=["deals"], request=DealIn)
class DealDetailView(DealViews, RecordDetailView):
    entity = "deal"
    serializer_class = out.DealOut


@extend_schema(tags=["products"], request=ProductIn)
class ProductListView(ProductViews, RecordListView):
    entity = "product"
    serializer_class = out.ProductOut
    filterset_class = filters.ProductFilter
    ordering_fields = ["id", "name", "unit_price"]


@extend_schema(tags=["products"], request=ProductIn)
class ProductDetailView(ProductViews, RecordDetailView):
    entity = "product"
    serializer_class = out.ProductOut
    http_method_names = ["get", "patch", "head", "options"]  # products are archived (active=false), not deleted


class AccountActionView(ScopedGenericAPIView):
    """POST /accounts/{id}/claim|release|reveal and GET /accounts/{id}/overview."""

    serializer_class = out.AccountOut

    def scoped_queryset(self):
        return selectors.accounts(actor=self.request.user) | selectors.pool(actor=self.request.user)


@extend_schema(tags=["accounts"], request=None, summary="Claim an account from the public pool")
class AccountClaimView(AccountActionView):
    def post(self, request: Request, pk: int) -> Response:
        account = services.account_claim(actor=request.user, account=self.get_object())
        return Response(out.account_out(account, access_of(request.user)))


@extend_schema(tags=["accounts"], request=None, summary="Release an account to the public pool")
class AccountReleaseView(AccountActionView):
    def post(self, request: Request, pk: int) -> Response:
        account = services.account_release(actor=request.user, account=self.get_object())
        return Response(out.account_out(account, access_of(request.user)))


class RevealIn(serializers.Serializer):
    field = serializers.CharField()


@extend_schema(tags=["accounts"], request=RevealIn, responses=out.RevealOut, summary="Reveal a masked field (audited)")
class AccountRevealView(AccountActionView):
    def post(self, request: Request, pk: int) -> Response:
        data = RevealIn(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.record_reveal(actor=request.user, entity="account", record_id=pk,
                                       field=data.validated_data["field"])
        return Response({"field": data.validated_data["field"], "value": value})


@extend_schema(tags=["contacts"], request=RevealIn, responses=out.RevealOut, summary="Reveal a masked field (audited)")
class ContactRevealView(ScopedGenericAPIView):
    serializer_class = out.RevealOut

    def scoped_queryset(self):
        return selectors.contacts(actor=self.request.user)

    def post(self, request: Request, pk: int) -> Response:
        data = RevealIn(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.record_reveal(actor=request.user, entity="contact", record_id=pk,
                                       field=data.validated_data["field"])
        return Response({"field": data.validated_data["field"], "value": value})


class MergeIn(serializers.Serializer):
    survivor = serializers.IntegerField()
    other = serializers.IntegerField()
    choices = serializers.DictField(child=serializers.CharField(), required=False)


class MergeView(ScopedGenericAPIView):
    """POST {survivor, other, choices}: both must be visible; the service checks the rest."""

    entity = ""
    serializer_class = out.AccountOut

    def merge(self, survivor, other, choices):
        raise NotImplementedError

    def post(self, request: Request) -> Response:
        data = MergeIn(data=request.data)
        data.is_valid(raise_exception=True)
        qs = self.get_queryset()
        survivor = access_record(qs, data.validated_data["survivor"], "survivor")
        other = access_record(qs, data.validated_data["other"], "other")
        merged = self.merge(survivor, other, data.validated_data.get("choices"))
        return Response(self.out(merged))


@extend_schema(tags=["accounts"], request=MergeIn, summary="Merge two accounts")
class AccountMergeView(AccountViews, MergeView):
    def merge(self, survivor, other, choices):
        return services.account_merge(actor=self.request.user, survivor=survivor, other=other, choices=choices)


class MoveIn(serializers.Serializer):
    stage = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    pipeline = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="Move to this pipeline; `stage` is then its stage there.")


@extend_schema(tags=["deals"], request=MoveIn, summary="Move a deal to another stage")
class DealMoveView(ScopedGenericAPIView):
    serializer_class = out.DealOut

    def scoped_queryset(self):
        return selectors.deals(actor=self.request.user)

    def post(self, request: Request, pk: int) -> Response:
        data = MoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        deal = services.deal_move(actor=request.user, deal=self.get_object(), **data.validated_data)
        return Response(out.deal_out(deal, access_of(request.user)))





def _duplicates_out(found, access, entity: str) -> dict:
    render = out.account_out if entity == "account" else out.contact_out
    return {"matches": [render(record, access) for record in found.visible], "hidden_matches": found.hidden_count}


class DuplicateCheckIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    phones = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    emails = serializers.ListField(child=serializers.CharField(), required=False, default=list)


@extend_schema(tags=["accounts"], request=DuplicateCheckIn, summary="Check for likely duplicates before creating")
class AccountDuplicateCheckView(ScopedGenericAPIView):
    serializer_class = out.AccountDuplicatesOut

    def scoped_queryset(self):
        return selectors.accounts(actor=self.request.user)

    def post(self, request: Request) -> Response:
        from .duplicates import account_duplicates

        data = DuplicateCheckIn(data=request.data)
        data.is_valid(raise_exception=True)
        found = account_duplicates(actor=request.user, **data.validated_data)
        return Response(_duplicates_out(found, access_of(request.user), "account"))


@extend_schema(tags=["accounts"], responses=out.AccountDuplicatesOut, summary="Likely duplicates of an account")
class AccountDuplicatesView(AccountActionView):
    def get(self, request: Request, pk: int) -> Response:
        from .duplicates import duplicates_of_account

        found = duplicates_of_account(actor=request.user, account=self.get_object())
        return Response(_duplicates_out(found, access_of(request.user), "account"))


@extend_schema(tags=["contacts"], summary="Likely duplicates of a contact")
class ContactDuplicatesView(ScopedGenericAPIView):
    serializer_class = out.ContactDuplicatesOut

    def scoped_queryset(self):
        return selectors.contacts(actor=self.request.user)

    def get(self, request: Request, pk: int) -> Response:
        from .duplicates import duplicates_of_contact

        found = duplicates_of_contact(actor=request.user, contact=self.get_object())
        return Response(_duplicates_out(found, access_of(request.user), "contact"))


@extend_schema(tags=["contacts"], request=MergeIn, summary="Merge two contacts")
class ContactMergeView(ContactViews, MergeView):
    serializer_class = out.ContactOut

    def merge(self, survivor, other, choices):
        return services.contact_merge(actor=self.request.user, survivor=survivor, other=other, choices=choices)


class ReassignIn(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    owner = serializers.IntegerField(allow_null=True)


@extend_schema(tags=["accounts"], request=ReassignIn, summary="Give many accounts a new owner")
class AccountReassignView(ScopedGenericAPIView):
    serializer_class = out.ReassignedOut

    def scoped_queryset(self):
        return selectors.accounts(actor=self.request.user)

    def post(self, request: Request) -> Response:
        data = ReassignIn(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.accounts_reassign(actor=request.user, account_ids=data.validated_data["ids"],
                                           owner_id=data.validated_data["owner"])
        return Response({"reassigned": count})


EXPORT_LIMIT = 50_000


@extend_schema(tags=["accounts"], parameters=[SEARCH], summary="Export the filtered accounts as CSV (audited)",
               responses={(200, "text/csv"): OpenApiTypes.STR})
class AccountExportView(AccountListView):
    http_method_names = ["get", "head", "options"]  # the list's POST (create) is not an export

    def get(self, request: Request) -> Response:
        import csv

        from django.http import StreamingHttpResponse

        from core.customization.custom_view import export_cells, export_columns
        from core.web.spreadsheet import safe_row

        access = access_of(request.user)
        records = list(self.listed(request).order_by("id")[:EXPORT_LIMIT])
        rows = [self.out(record) for record in records]
        services.records_export(actor=request.user, entity="account", count=len(rows),
                                filters={key: value for key, value in request.query_params.items()})
        builtin = list(rows[0]) if rows else list(out.account_out(Account(name=""), access))
        # custom fields: one column each (`custom.<key>`, display values, sensitive ones masked, the ones
        # hidden from the reader's role absent)
        custom_fields = export_columns("account", request.user) if "custom" in builtin else []
        custom_cells = export_cells("account", records, request.user, custom_fields)
        builtin = [column for column in builtin if column != "custom"]
        columns = builtin + [f"custom.{field.key}" for field in custom_fields]

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff"  # Excel opens UTF-8 Chinese text correctly with a BOM
            yield writer.writerow(safe_row(columns))
            for row, cells in zip(rows, custom_cells, strict=True):
                values = [row[column] for column in builtin]
                yield writer.writerow(safe_row([";".join(map(str, v)) if isinstance(v, list) else v for v in values] + cells))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="accounts.csv"'
        return response
