from django.urls import path

from . import ops

app_name = "ops"

urlpatterns = [
    path("login/", ops.ops_login, name="login"),
    path("logout/", ops.ops_logout, name="logout"),
    path("", ops.tenant_list, name="tenants"),
    path("tenants/<int:pk>/", ops.tenant_detail, name="tenant"),
    path("tenants/<int:pk>/<str:action>/", ops.tenant_action, name="tenant_action"),
]
