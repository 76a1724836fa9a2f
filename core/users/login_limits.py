"""How many wrong passwords one login may get: the per-account half of the login rate limits.

The other half counts attempts per client address (web: `too_many`, API: `LoginThrottle`), which stops
one machine but not many; this one counts failures per typed email in the workspace, whoever sends
them, so an attack spread over many addresses is still limited to ACCOUNT_FAILURES guesses per
window. Emails nobody uses are counted the same way, so the answer never tells whether one exists.
Once the limit is reached even the right password is refused until the window ends (password reset
still works).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.web.ratelimit import count_for_subject, subject_over_limit

ACCOUNT_FAILURES = 10
ACCOUNT_WINDOW_SECONDS = 15 * 60
SCOPE = "login-account"


def account_locked(email: str) -> bool:
    """True when the email typed has had ACCOUNT_FAILURES failed logins in this workspace lately."""
    return subject_over_limit(SCOPE, email or "", limit=ACCOUNT_FAILURES)


def login_failed(email: str) -> None:
    """Count one failed login for the email typed."""
    count_for_subject(SCOPE, email or "", window_seconds=ACCOUNT_WINDOW_SECONDS)


def locked_message() -> str:
    return _("Too many failed logins for this email. Please wait %(minutes)d minutes and try again, or reset "
             "your password.") % {"minutes": ACCOUNT_WINDOW_SECONDS // 60}
