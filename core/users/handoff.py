"""A one-time, short-lived link that logs a user in on their workspace's host.

Signup happens on the public host, whose session cookie the workspace host never sees. The link
is signed, expires after two minutes and is bound to the user's last login, so it works once.
"""

from __future__ import annotations

from django.core import signing

from .models import User

SALT = "guanxi.users.handoff"
MAX_AGE_SECONDS = 120


def _stamp(user: User) -> str:
    return user.last_login.isoformat() if user.last_login else "never"


def make_handoff_token(user: User, schema_name: str) -> str:
    return signing.dumps({"u": user.pk, "s": schema_name, "l": _stamp(user)}, salt=SALT, compress=True)


def user_for_handoff_token(token: str, schema_name: str) -> User | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("s") != schema_name:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _stamp(user) != data.get("l"):
        return None
    return user
