"""The configuration settings pages, mounted under /settings/config/ (admins and owners only)."""

from django.urls import path

from . import views

app_name = "customization"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("presets/<str:key>/", views.preset_apply, name="preset"),
    path("fields/<str:entity>/", views.fields, name="fields"),
    path("fields/<str:entity>/order/", views.field_order, name="field_order"),
    path("fields/<str:entity>/preview/", views.field_preview, name="field_preview"),
    path("fields/<str:entity>/new/", views.field_edit, name="field_new"),
    path("fields/<str:entity>/edit/<str:key>/", views.field_edit, name="field_edit"),
    path("fields/<str:entity>/archive/<str:key>/", views.field_archive, name="field_archive"),
    path("pipelines/", views.pipelines, name="pipelines"),
    path("pipelines/new/", views.pipeline_edit, name="pipeline_new"),
    path("pipelines/edit/<str:key>/", views.pipeline_edit, name="pipeline_edit"),
    path("pipelines/action/<str:key>/", views.pipeline_action, name="pipeline_action"),
    path("json/", views.json_document, name="json"),
    path("json/download/", views.json_download, name="json_download"),
    path("history/", views.history, name="history"),
    path("history/<int:number>/rollback/", views.rollback, name="rollback"),
]
