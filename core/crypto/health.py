"""The `field encryption` line of `guanxi doctor`: the key ring and the blind-index key work."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from .cipher import DecryptionError, blind_index
from .keys import FieldKeyError, key_ring

PROBE_TEXT = "guanxi doctor 关系 +86 138 0000 0000"


def field_encryption_check() -> tuple[bool, str]:
    """Encrypt and decrypt a probe value through EncryptionProbe's fields, writing nothing.

    Fails on a malformed ring or HMAC key, and in production on generated development keys.
    """
    from .models import EncryptionProbe

    try:
        ring = key_ring()
        field = EncryptionProbe._meta.get_field("secret")
        token = field.get_prep_value(PROBE_TEXT)
        round_trip = field.from_db_value(token, None, connection) == PROBE_TEXT
        blind_index(PROBE_TEXT, purpose="crypto.doctor")
    except (FieldKeyError, DecryptionError) as error:
        return False, str(error)
    generated = [name for name, flag in (("GUANXI_FIELD_KEYS", settings.GUANXI_FIELD_KEYS_GENERATED),
                                         ("GUANXI_FIELD_HMAC_KEY", settings.GUANXI_FIELD_HMAC_KEY_GENERATED)) if flag]
    source = f"generated development keys for {', '.join(generated)}" if generated else "from the environment"
    ok = round_trip and token.startswith(f"gx1:{ring.newest.key_id}:") and not (generated and settings.PRODUCTION)
    return ok, f"newest key {ring.newest.key_id!r}, {len(ring.keys)} in the ring, {source}"
