"""Report pages (the API's URLs are in platform/guanxi/urls_api.py)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/pipeline/", views.pipeline, name="pipeline"),
]
