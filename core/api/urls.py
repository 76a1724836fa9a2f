"""The workspace REST API, version 1."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.users import api as users_api

urlpatterns = [
    path("me", users_api.MeView.as_view(), name="me"),
    path("me/password", users_api.MyPasswordView.as_view(), name="me-password"),
    path("users", users_api.UserListView.as_view(), name="users"),
    path("users/<int:pk>", users_api.UserDetailView.as_view(), name="user-detail"),
    path("invitations", users_api.InvitationListView.as_view(), name="invitations"),
    path("auth/token", users_api.TokenObtainView.as_view(), name="auth-token"),
    path("tokens", users_api.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>", users_api.TokenDetailView.as_view(), name="token-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
