"""Production must not start on development defaults: that is how secrets and debug pages leak."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def refuse_development_defaults(*, debug: bool, secret_generated: bool, allowed_hosts: list[str],
                                field_keys_missing: bool, field_hmac_key_missing: bool) -> None:
    problems = []
    if debug:
        problems.append("GUANXI_DEBUG must be false")
    if secret_generated:
        problems.append("SECRET_KEY must be set (the generated development key is not allowed)")
    if "*" in allowed_hosts or not allowed_hosts:
        problems.append("ALLOWED_HOSTS must list the real hosts, not '*'")
    if field_keys_missing:
        problems.append("GUANXI_FIELD_KEYS must be set (every process needs the same field encryption keys)")
    if field_hmac_key_missing:
        problems.append("GUANXI_FIELD_HMAC_KEY must be set (every process needs the same blind-index key)")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")
