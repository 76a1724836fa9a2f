"""URLs of a workspace host ({slug}.{base domain})."""

from django.urls import include, path

from core.records import views as records_views
from core.users.views import set_language_view
from guanxi import health

handler404 = "guanxi.errors.not_found"
handler500 = "guanxi.errors.server_error"

urlpatterns = [
    path("", records_views.home, name="home-root"),
    path("", include("core.users.urls")),
    path("", include("core.auditlog.urls")),
    path("settings/config/", include("core.customization.urls")),
    path("", include("core.records.urls")),
    path("", include("core.leads.urls")),
    path("", include("core.service.urls")),
    path("", include("core.reports.urls")),
    path("", include("core.activities.urls")),
    path("", include("core.campaigns.urls")),
    path("api/v1/", include(("guanxi.urls_api", "api"))),
    path("i18n/setlang/", set_language_view, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
