"""URLs of the public host: landing, signup, find-my-workspace, ops console, health."""

from django.urls import include, path
from django.views.i18n import set_language

from guanxi import health
from tenants import api as tenants_api
from tenants import views as tenants_views

handler404 = "guanxi.errors.not_found"
handler500 = "guanxi.errors.server_error"

urlpatterns = [
    path("", tenants_views.landing, name="landing"),
    path("signup/", tenants_views.signup, name="signup"),
    path("find-workspace/", tenants_views.find_workspace, name="find_workspace"),
    path("api/v1/signup", tenants_api.SignupView.as_view(), name="api-signup"),
    path("ops/", include("tenants.urls_ops")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
