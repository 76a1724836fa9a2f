"""`{% saved_views_bar %}`: the saved views of the current list page, in one query."""

from __future__ import annotations

from django import template

from core.records.saved_views import LIST_PATHS, saved_views

register = template.Library()


@register.inclusion_tag("records/_saved_views.html", takes_context=True)
def saved_views_bar(context) -> dict:
    request = context["request"]
    user = request.user
    if not user.is_authenticated or request.path not in LIST_PATHS:
        return {"views": [], "enabled": False}
    return {"views": list(saved_views(actor=user, path=request.path)), "enabled": True, "request": request,
            "csrf_token": context.get("csrf_token")}
