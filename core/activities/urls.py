"""Web pages of tasks and activities (the API's URLs are in platform/guanxi/urls_api.py)."""

from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/overdue/", views.overdue_tasks, name="overdue_tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
]
