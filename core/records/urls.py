"""Web pages of the CRM records (the API's URLs are in guanxi/urls_api.py)."""

from django.urls import path

from core.overview import views as overview_views

from . import views

app_name = "records"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("views/save/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", overview_views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("accounts/<int:pk>/reveal/<slug:field>/", views.account_reveal, name="account_reveal"),
    path("accounts/<int:pk>/reveal/custom/<slug:key>/", views.account_reveal_custom, name="account_reveal_custom"),
    path("accounts/<int:pk>/claim/", views.account_claim, name="account_claim"),
    path("accounts/<int:pk>/release/", views.account_release, name="account_release"),
    path("pool/", views.pool, name="pool"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/reveal/<slug:field>/", views.contact_reveal, name="contact_reveal"),
    path("contacts/<int:pk>/reveal/custom/<slug:key>/", views.contact_reveal_custom, name="contact_reveal_custom"),
    path("deals/", views.deal_board, name="deal_board"),
    path("deals/list/", views.deal_list, name="deal_list"),
    path("deals/new/", views.deal_create, name="deal_create"),
    path("deals/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/delete/", views.deal_delete, name="deal_delete"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal_move"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("search/", views.search, name="search"),
]
