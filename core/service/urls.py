"""Web pages of the service desk (the API's URLs are in platform/guanxi/urls_api.py)."""

from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    path("tickets/", views.ticket_queue, name="ticket_queue"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/edit/", views.ticket_edit, name="ticket_edit"),
    path("tickets/<int:pk>/respond/", views.ticket_respond, name="ticket_respond"),
    path("tickets/<int:pk>/resolve/", views.ticket_resolve, name="ticket_resolve"),
    path("tickets/<int:pk>/close/", views.ticket_close, name="ticket_close"),
    path("tickets/<int:pk>/reopen/", views.ticket_reopen, name="ticket_reopen"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/rate/", views.ticket_rate, name="ticket_rate"),
]
