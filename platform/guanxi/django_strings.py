"""Django's own messages that Django ships without a zh_Hans translation (checked on Django 5.2).

Django 5.2 words MinimumLengthValidator's error with "%d", but its zh_Hans catalogue still translates
the older "%(min_length)d" wording, so Chinese users saw that one password error in English. Marking
the exact msgids here puts them in our catalogue (locale/), which Django reads before its own.
Nothing imports this module: only `makemessages` reads it. tests/test_i18n.py checks that every
password-validation message is Chinese, so a Django upgrade that rewords one again gets noticed.
"""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)
