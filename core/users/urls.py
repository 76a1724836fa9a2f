from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import forms, views

app_name = "users"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("auth/handoff/<str:token>/", views.handoff_view, name="handoff"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/tokens/", views.tokens_view, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("settings/team/", views.team_view, name="team"),
    path("settings/team/<int:pk>/", views.user_change_view, name="user_change"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("password/reset/", views.PasswordResetView.as_view(
        template_name="users/password_reset.html",
        email_template_name="users/email/password_reset.txt",
        subject_template_name="users/email/password_reset_subject.txt",
        success_url=reverse_lazy("users:password_reset_done"),
    ), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="users/password_reset_done.html"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="users/password_reset_confirm.html",
        form_class=forms.ResetPasswordForm,
        success_url=reverse_lazy("users:password_reset_complete"),
    ), name="password_reset_confirm"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name="users/password_reset_complete.html"), name="password_reset_complete"),
]
