"""AES-256-GCM tokens: round trip, authentication (tamper, context), key ids; blind indexes."""

import base64
import re

import pytest

from core.crypto.cipher import (
    DecryptionError,
    UnknownKeyError,
    blind_index,
    decrypt,
    encrypt,
    needs_rotation,
    phone_query_token,
    phone_search_tokens,
    reencrypt,
    token_key_id,
)

CONTEXT = "records.contact.phones"


def test_round_trip_returns_the_plaintext(use_ring):
    # given a text with Chinese characters and a phone number
    plaintext = "王小明 +86 138 1234 5678"
    # when it is encrypted and decrypted with the same context
    token = encrypt(plaintext, CONTEXT)
    # then the token names the newest key, hides the text, and decrypts to it
    assert token.startswith("gx1:new:")
    assert "王小明" not in token and "138 1234 5678" not in token
    assert decrypt(token, CONTEXT) == plaintext


def test_each_encryption_uses_a_fresh_nonce(use_ring):
    first, second = encrypt("same", CONTEXT), encrypt("same", CONTEXT)
    assert first != second
    assert decrypt(first, CONTEXT) == decrypt(second, CONTEXT) == "same"


def test_empty_text_round_trips(use_ring):
    assert decrypt(encrypt("", CONTEXT), CONTEXT) == ""


def test_tampered_token_fails(use_ring):
    # given a token whose ciphertext has one bit flipped
    token = encrypt("13812345678", CONTEXT)
    prefix, key_id, payload = token.split(":")
    data = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data[14] ^= 0x01
    tampered = f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(data)).decode().rstrip('=')}"
    # when it is decrypted, then authentication fails instead of returning altered text
    with pytest.raises(DecryptionError, match="fails authentication under key 'new'"):
        decrypt(tampered, CONTEXT)


def test_truncated_token_fails(use_ring):
    token = encrypt("13812345678", CONTEXT)
    with pytest.raises(DecryptionError, match="too short"):
        decrypt(token[:20], CONTEXT)


def test_token_moved_to_another_context_fails(use_ring):
    # given a phone number encrypted for the contacts' phone column
    token = encrypt("13812345678", CONTEXT)
    # when it is read as if it belonged to another column
    # then the associated data does not match
    with pytest.raises(DecryptionError, match=re.escape("context 'records.contact.notes'")):
        decrypt(token, "records.contact.notes")


def test_unknown_key_id_names_the_key_and_the_ring(use_ring):
    # given a token written under key "old", and a ring that no longer holds it
    use_ring("old")
    token = encrypt("secret", CONTEXT)
    use_ring("new")
    # when it is decrypted, then the error says which key is missing and what to do
    with pytest.raises(UnknownKeyError) as error:
        decrypt(token, CONTEXT)
    assert str(error.value) == (
        "This value was encrypted with key 'old', which is not in GUANXI_FIELD_KEYS (it holds 'new'). "
        "Put that key back in the ring; remove a key only after `guanxi rotate-field-keys` has finished.")


def test_value_that_is_not_a_token_is_refused(use_ring):
    with pytest.raises(DecryptionError, match="Not an encrypted value"):
        decrypt("13812345678", CONTEXT)


def test_needs_rotation_only_for_tokens_under_an_older_key(use_ring):
    # given one token under the old key and one under the new key
    use_ring("old")
    old_token = encrypt("a", CONTEXT)
    use_ring("new", "old")
    new_token = encrypt("a", CONTEXT)
    # then only the old one must move, and re-encrypting moves it to the new key
    assert (needs_rotation(old_token), needs_rotation(new_token)) == (True, False)
    moved = reencrypt(old_token, CONTEXT)
    assert token_key_id(moved) == "new"
    assert decrypt(moved, CONTEXT) == "a"


def test_blind_index_is_stable_and_separated_by_purpose(use_ring):
    # given the same value indexed twice for one purpose and once for another
    first = blind_index("wang@example.com", purpose="records.contact.email")
    again = blind_index("wang@example.com", purpose="records.contact.email")
    other = blind_index("wang@example.com", purpose="records.company.email")
    # then equal values give equal 32-hex-character indexes, and purposes do not link
    assert first == again
    assert len(first) == 32 and int(first, 16) >= 0
    assert other != first
    assert blind_index("wang@example.org", purpose="records.contact.email") != first


def test_blind_index_survives_encryption_key_rotation(use_ring):
    # given an index computed under the old ring
    use_ring("old")
    before = blind_index("13812345678", purpose="phone")
    # when the encryption keys rotate, then stored indexes still match
    use_ring("new", "old")
    assert blind_index("13812345678", purpose="phone") == before


def test_blind_index_depends_on_the_hmac_key(use_ring, settings):
    before = blind_index("13812345678", purpose="phone")
    settings.GUANXI_FIELD_HMAC_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    assert blind_index("13812345678", purpose="phone") != before


def test_partial_phone_number_finds_the_record(use_ring):
    # given the search tokens stored for a mobile number
    tokens = phone_search_tokens("13812345678")
    # when a user types part of it, or digits it does not contain
    # then the tail is found and the foreign digits are not
    assert phone_query_token("5678") in tokens
    assert phone_query_token("138 1234") in tokens
    assert phone_query_token("13812345678") in tokens
    assert phone_query_token("9999") not in tokens
    # every run of 4 to 11 digits: 8 + 7 + ... + 1
    assert len(tokens) == 36
    assert len(set(tokens)) == 36


def test_phone_tokens_ignore_formatting_and_dedupe(use_ring):
    assert phone_search_tokens("+86 138-1234-5678") == phone_search_tokens("8613812345678")
    # "11111" has two runs "1111" and one "11111": two distinct tokens
    assert phone_search_tokens("11111") == [blind_index("1111", purpose="phone"),
                                            blind_index("11111", purpose="phone")]


def test_phone_query_shorter_than_the_minimum_searches_nothing(use_ring):
    assert phone_query_token("567") is None
    assert phone_search_tokens("567") == []


def test_phone_tokens_are_separated_by_purpose(use_ring):
    assert phone_query_token("5678", purpose="records.company.fax") not in phone_search_tokens("13812345678")
