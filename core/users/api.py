"""The users API: me, colleagues, invitations, personal tokens. Thin views over services."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import ScopedGenericAPIView, WorkspaceAPIView
from core.api.errors import ApplicationError, TooManyRequests
from core.api.throttles import LoginThrottle
from core.users.middleware import activate_for
from core.users.models import ApiToken
from core.users.permissions import IsWorkspaceAdmin

from . import selectors, services
from .login_limits import account_locked, locked_message, login_failed
from .roles import Role


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    language = serializers.CharField()
    time_zone = serializers.CharField()
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class MeView(WorkspaceAPIView):
    class ProfilePatchIn(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True)
        language = serializers.CharField(required=False, allow_blank=True)
        time_zone = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses=UserOut, summary="The logged-in user and their role")
    def get(self, request: Request) -> Response:
        return Response(UserOut(request.user).data)

    @extend_schema(request=ProfilePatchIn, responses=UserOut, summary="Change my name, language or time zone")
    def patch(self, request: Request) -> Response:
        data = self.ProfilePatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **data.validated_data)
        return Response(UserOut(user).data)


class MyPasswordView(WorkspaceAPIView):
    class PasswordChangeIn(serializers.Serializer):
        current_password = serializers.CharField()
        new_password = serializers.CharField()

    @extend_schema(request=PasswordChangeIn, responses={204: None}, summary="Change my password")
    def post(self, request: Request) -> Response:
        data = self.PasswordChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        token = request.auth if isinstance(request.auth, ApiToken) else None  # None: the session, kept below
        services.user_change_password(user=request.user, keep_token=token, **data.validated_data)
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request._request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserListView(ScopedGenericAPIView):
    serializer_class = UserOut

    class UserCreateIn(serializers.Serializer):
        email = serializers.CharField()
        name = serializers.CharField(allow_blank=True)
        role = serializers.CharField(default=Role.MEMBER)
        password = serializers.CharField()
        language = serializers.CharField(required=False, allow_blank=True, default="")

    def scoped_queryset(self):
        return selectors.user_list(actor=self.request.user)

    @extend_schema(responses=UserOut(many=True), summary="Colleagues in this workspace")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset().order_by("-id"))
        return self.get_paginated_response(UserOut(page, many=True).data)

    @extend_schema(request=UserCreateIn, responses={201: UserOut}, summary="Create a user with an initial password")
    def post(self, request: Request) -> Response:
        data = self.UserCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **data.validated_data)
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(ScopedGenericAPIView):
    serializer_class = UserOut

    class UserPatchIn(serializers.Serializer):
        role = serializers.CharField(required=False)
        is_active = serializers.BooleanField(required=False)

    def scoped_queryset(self):
        return selectors.user_list(actor=self.request.user)

    @extend_schema(responses=UserOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(UserOut(self.get_object()).data)

    @extend_schema(request=UserPatchIn, responses=UserOut, summary="Change a user's role or deactivate them")
    def patch(self, request: Request, pk: int) -> Response:
        user = self.get_object()
        data = self.UserPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        if "role" in data.validated_data:
            user = services.user_change_role(actor=request.user, user=user, role=data.validated_data["role"])
        if "is_active" in data.validated_data:
            if data.validated_data["is_active"]:
                user = services.user_reactivate(actor=request.user, user=user)
            else:
                user = services.user_deactivate(actor=request.user, user=user)
        return Response(UserOut(user).data)


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)


class InvitationListView(ScopedGenericAPIView):
    serializer_class = InvitationOut
    permission_classes = [IsWorkspaceAdmin]

    class InvitationIn(serializers.Serializer):
        email = serializers.CharField()
        role = serializers.CharField(default=Role.MEMBER)

    def scoped_queryset(self):
        return selectors.invitation_list(actor=self.request.user)

    @extend_schema(responses=InvitationOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InvitationOut(page, many=True).data)

    @extend_schema(request=InvitationIn, responses={201: InvitationOut}, summary="Invite a colleague by email")
    def post(self, request: Request) -> Response:
        data = self.InvitationIn(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.invitation_create(actor=request.user, base_url=request.build_absolute_uri("/"),
                                             **data.validated_data)
        return Response(InvitationOut(created.invitation).data, status=status.HTTP_201_CREATED)


class TokenOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    hint = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class CreatedTokenOut(TokenOut):
    token = serializers.CharField(help_text="Shown once. Send it as `Authorization: Bearer <token>`.")


def _created_token_body(created: services.CreatedToken) -> dict:
    return {**TokenOut(created.token).data, "token": created.raw}


class TokenObtainView(WorkspaceAPIView):
    """Exchange email and password for a new personal API token (for scripts)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    class TokenObtainIn(serializers.Serializer):
        email = serializers.CharField()
        password = serializers.CharField()
        name = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=TokenObtainIn, responses={201: CreatedTokenOut}, auth=[], summary="Create an API token")
    def post(self, request: Request) -> Response:
        data = self.TokenObtainIn(data=request.data)
        data.is_valid(raise_exception=True)
        if account_locked(data.validated_data["email"]):
            raise TooManyRequests(locked_message())
        user = authenticate(request._request, email=data.validated_data["email"],
                            password=data.validated_data["password"])
        if user is None:
            login_failed(data.validated_data["email"])
            raise ApplicationError(_("Email or password is not correct."), code="invalid_credentials")
        activate_for(request._request, user)
        created = services.api_token_create(user=user, name=data.validated_data["name"] or _("Script token"))
        return Response(_created_token_body(created), status=status.HTTP_201_CREATED)


class TokenListView(ScopedGenericAPIView):
    serializer_class = TokenOut

    class TokenCreateIn(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True, default="")

    def scoped_queryset(self):
        return selectors.api_token_list(user=self.request.user)

    @extend_schema(responses=TokenOut(many=True), summary="My API tokens, with last use")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TokenOut(page, many=True).data)

    @extend_schema(request=TokenCreateIn, responses={201: CreatedTokenOut}, summary="Create an API token")
    def post(self, request: Request) -> Response:
        data = self.TokenCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.api_token_create(user=request.user, name=data.validated_data["name"])
        return Response(_created_token_body(created), status=status.HTTP_201_CREATED)


class TokenDetailView(ScopedGenericAPIView):
    serializer_class = TokenOut

    def scoped_queryset(self):
        return selectors.api_token_list(user=self.request.user)

    @extend_schema(responses={204: None}, summary="Revoke an API token")
    def delete(self, request: Request, pk: int) -> Response:
        services.api_token_revoke(user=request.user, token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


