"""GUANXI_FIELD_KEYS parses newest first and refuses malformed rings without echoing key material."""

import base64

import pytest

from core.crypto.keys import FieldKeyError, key_ring, parse_key_ring
from tests.crypto.conftest import KEYS


def test_ring_is_parsed_newest_first():
    # given two keys, the new one listed first
    raw = f"new:{KEYS['new']}, old:{KEYS['old']}"
    # when the ring is parsed
    ring = parse_key_ring(raw)
    # then the first one encrypts and both are known
    assert ring.newest.key_id == "new"
    assert ring.key_ids == ["new", "old"]
    assert ring.get("old").secret == base64.urlsafe_b64decode(KEYS["old"])
    assert ring.get("gone") is None


def test_key_without_base64_padding_is_accepted():
    ring = parse_key_ring(f"k1:{KEYS['old'].rstrip('=')}")
    assert ring.newest.secret == base64.urlsafe_b64decode(KEYS["old"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "GUANXI_FIELD_KEYS is empty"),
        (" , ", "GUANXI_FIELD_KEYS is empty"),
        (KEYS["old"], "entry 1 is not `keyid:base64url-key`"),
        (f"new:{KEYS['new']},bad id:{KEYS['old']}", "entry 2 is not `keyid:base64url-key`"),
        (f"a:{KEYS['new']},a:{KEYS['old']}", "key id 'a' appears twice"),
        ("short:" + base64.urlsafe_b64encode(b"x" * 16).decode(), "must be 32 bytes (base64url), not 16"),
        ("junk:@@@@", "a key is not valid base64url"),
    ],
)
def test_malformed_ring_is_refused_with_a_message_that_hides_the_keys(raw, message):
    with pytest.raises(FieldKeyError) as error:
        parse_key_ring(raw)
    assert message in str(error.value)
    assert KEYS["old"] not in str(error.value) and KEYS["new"] not in str(error.value)


def test_changed_setting_takes_effect_without_clearing_a_cache(use_ring):
    # given a ring that was already parsed once
    use_ring("old")
    assert key_ring().newest.key_id == "old"
    # when the setting changes
    use_ring("new", "old")
    # then the next call sees the new ring
    assert key_ring().key_ids == ["new", "old"]
