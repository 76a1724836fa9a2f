"""Saved views of list pages: a user names the current filters and picks them again later."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.api.inputs import NUL, nul_problem
from core.users.models import User

from .models import SavedView

LIST_PATHS = frozenset({"/accounts/", "/contacts/", "/deals/list/", "/products/", "/leads/", "/tickets/",
                        "/campaigns/", "/tasks/"})
MAX_PER_PAGE = 30


def list_page_or_home(path: str) -> str:
    """`path` if it is one of our list pages, else "/": a posted or stored path is followed only when it
    is known, so `/\\evil.com`, `//evil.com` or `https://evil.com` never becomes an off-site redirect."""
    return path if path in LIST_PATHS else "/"


def saved_views(*, actor: User, path: str) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=actor, path=path)


def saved_view_save(*, actor: User, path: str, name: str, query: str) -> SavedView:
    """Create or replace the user's view `name` on the list page `path`."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the view a name."), code="required")})
    if NUL in name:  # typed into the web page's own small form, which no Django field checks
        raise ValidationError({"name": ValidationError(nul_problem("name")["message"],
                                                       code="null_characters_not_allowed")})
    if len(name) > 80:
        raise ValidationError({"name": ValidationError(_("Use at most 80 characters."), code="max_length")})
    if path not in LIST_PATHS:
        raise ValidationError({"path": ValidationError(_("Views can be saved on list pages only."), code="invalid")})
    # keep only filter parameters: never a cursor or a page position
    clean = urlencode([(k, v) for k, v in parse_qsl(query or "") if k not in ("after", "before", "cursor") and v])
    if len(clean) > 1000:
        raise ValidationError({"query": ValidationError(_("These filters are too long to save."), code="max_length")})
    if not SavedView.objects.filter(user=actor, path=path, name=name).exists() and \
            saved_views(actor=actor, path=path).count() >= MAX_PER_PAGE:
        raise ValidationError({"name": ValidationError(
            _("You can save at most %(n)d views per list. Delete one first.") % {"n": MAX_PER_PAGE}, code="too_many")})
    view, _created = SavedView.objects.update_or_create(user=actor, path=path, name=name, defaults={"query": clean})
    return view


def saved_view_delete(*, actor: User, view_id: int) -> None:
    SavedView.objects.filter(user=actor, pk=view_id).delete()
