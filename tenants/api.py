"""Signup as JSON on the public host: `POST /api/v1/signup`."""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.throttles import SignupThrottle

from . import services
from .models import Language, workspace_url


class SignupIn(serializers.Serializer):
    company_name = serializers.CharField(required=False, allow_blank=True, default="")
    workspace = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    password = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    language = serializers.CharField(required=False, default=Language.ZH_HANS)
    preset = serializers.CharField(required=False, default="blank",
                                   help_text="Starting configuration: blank, b2b-manufacturing, retail-ecommerce, "
                                             "saas-subscriptions or education-training.")


class SignupOut(serializers.Serializer):
    workspace = serializers.CharField()
    url = serializers.URLField()
    login_url = serializers.URLField()
    status = serializers.CharField()


class SignupView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SignupThrottle]

    @extend_schema(request=SignupIn, responses={201: SignupOut}, auth=[],
                   summary="Create a workspace and its owner (public host)")
    def post(self, request: Request) -> Response:
        data = SignupIn(data=request.data)
        data.is_valid(raise_exception=True)
        language = data.validated_data["language"]
        if language in Language.values:
            translation.activate(language)
        result = services.tenant_signup(**data.validated_data)
        body = {
            "workspace": result.tenant.slug,
            "url": workspace_url(result.domain, "/"),
            "login_url": workspace_url(result.domain, "/login/"),
            "status": result.tenant.status,
        }
        return Response(body, status=status.HTTP_201_CREATED)
