"""Encrypted model fields: the ORM sees plaintext, the column holds tokens, lookups are refused."""

import pytest
from django.core import checks
from django.db import connection, models
from django.test.utils import isolate_apps
from django_tenants.utils import schema_context

from core.crypto.cipher import blind_index, decrypt
from core.crypto.fields import EncryptedJSONField, EncryptedLookupError, EncryptedTextField
from core.crypto.health import field_encryption_check
from core.crypto.models import EncryptionProbe
from core.crypto.registry import encrypted_columns

SECRET = "王小明 身份证 110101199003071234"
PHONES = ["+86 138 1234 5678", "010-8888 6666"]


def _raw_row(schema: str, pk: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT secret, items, t::text FROM "{schema}".crypto_encryptionprobe t WHERE id = %s', [pk])
        return cursor.fetchone()


def test_values_round_trip_through_the_orm(alpha, use_ring):
    # given a probe saved in alpha's schema
    with schema_context(alpha.schema_name):
        probe = EncryptionProbe.objects.create(purpose="round trip", secret=SECRET, items=PHONES)
        # when it is read back in every way the ORM reads
        fresh = EncryptionProbe.objects.get(pk=probe.pk)
        probe.refresh_from_db()
        listed = list(EncryptionProbe.objects.filter(pk=probe.pk).values_list("secret", "items"))
        as_dict = EncryptionProbe.objects.filter(pk=probe.pk).values("secret", "items").get()
    # then every read gives the plaintext
    assert (fresh.secret, fresh.items) == (SECRET, PHONES)
    assert (probe.secret, probe.items) == (SECRET, PHONES)
    assert listed == [(SECRET, PHONES)]
    assert as_dict == {"secret": SECRET, "items": PHONES}


def test_raw_column_holds_no_plaintext(alpha, use_ring):
    # given a probe with a secret text and a list of phone numbers
    with schema_context(alpha.schema_name):
        probe = EncryptionProbe.objects.create(purpose="raw", secret=SECRET, items=PHONES,
                                               blind=blind_index(SECRET, purpose="crypto.probe"))
    # when the row is read with SQL, bypassing the ORM
    secret, items, whole_row = _raw_row(alpha.schema_name, probe.pk)
    # then both columns hold tokens under the newest key, and no plaintext is anywhere in the row
    assert secret.startswith("gx1:new:")
    assert items.startswith("gx1:new:")
    for plaintext in (SECRET, "110101199003071234", "王小明", "138 1234 5678", "8888 6666"):
        assert plaintext not in whole_row
    assert decrypt(secret, "crypto.encryptionprobe.secret") == SECRET


def test_update_and_bulk_update_encrypt_too(alpha, use_ring):
    with schema_context(alpha.schema_name):
        probe = EncryptionProbe.objects.create(purpose="update", secret="first")
        EncryptionProbe.objects.filter(pk=probe.pk).update(secret="second", items=["x"])
        assert _raw_row(alpha.schema_name, probe.pk)[0].startswith("gx1:new:")
        probe.secret = "third"
        EncryptionProbe.objects.bulk_update([probe], ["secret"])
        secret = _raw_row(alpha.schema_name, probe.pk)[0]
        assert EncryptionProbe.objects.get(pk=probe.pk).secret == "third"
    assert secret.startswith("gx1:new:")
    assert decrypt(secret, "crypto.encryptionprobe.secret") == "third"


def test_none_and_empty_text_are_stored_as_they_are(alpha, use_ring):
    with schema_context(alpha.schema_name):
        probe = EncryptionProbe.objects.create(purpose="empty", secret="", items=None)
        assert EncryptionProbe.objects.values_list("secret", "items").get(pk=probe.pk) == ("", None)
    assert _raw_row(alpha.schema_name, probe.pk)[:2] == ("", None)


def test_empty_list_is_encrypted(alpha, use_ring):
    with schema_context(alpha.schema_name):
        probe = EncryptionProbe.objects.create(purpose="empty list", items=[])
        assert EncryptionProbe.objects.get(pk=probe.pk).items == []
    assert _raw_row(alpha.schema_name, probe.pk)[1].startswith("gx1:new:")


@pytest.mark.parametrize("lookup", ["secret", "secret__exact", "secret__icontains", "items__contains",
                                    "secret__in", "items__0"])
def test_lookups_on_ciphertext_are_refused_and_point_to_the_blind_index(alpha, use_ring, lookup):
    with schema_context(alpha.schema_name), pytest.raises(EncryptedLookupError) as error:
        EncryptionProbe.objects.filter(**{lookup: "x"}).count()
    assert "crypto.encryptionprobe." in str(error.value)
    assert "only `isnull` works" in str(error.value)
    assert "blind_index(value, purpose=...)" in str(error.value)


def test_isnull_lookup_works(alpha, use_ring):
    with schema_context(alpha.schema_name):
        EncryptionProbe.objects.create(purpose="with items", items=["a"])
        EncryptionProbe.objects.create(purpose="without items", items=None)
        assert list(EncryptionProbe.objects.filter(items__isnull=True).values_list("purpose", flat=True)) == [
            "without items"]


def test_blind_index_finds_the_row(alpha, use_ring):
    # given a probe stored with the blind index of its secret
    with schema_context(alpha.schema_name):
        EncryptionProbe.objects.create(purpose="indexed", secret=SECRET,
                                       blind=blind_index(SECRET, purpose="crypto.probe"))
        # when searched by the index of the exact value, and of another value
        found = list(EncryptionProbe.objects.filter(blind=blind_index(SECRET, purpose="crypto.probe"))
                     .values_list("secret", flat=True))
        missed = EncryptionProbe.objects.filter(blind=blind_index("someone else", purpose="crypto.probe")).count()
    # then only the exact value finds it
    assert found == [SECRET]
    assert missed == 0


def test_context_is_the_model_and_field_label():
    assert EncryptionProbe._meta.get_field("secret").encryption_context == "crypto.encryptionprobe.secret"
    assert EncryptionProbe._meta.get_field("items").encryption_context == "crypto.encryptionprobe.items"


def test_fields_deconstruct_for_migrations():
    assert EncryptedTextField(blank=True).deconstruct() == (
        None, "core.crypto.fields.EncryptedTextField", [], {"blank": True})
    assert EncryptedJSONField(null=True, encryption_context="records.contact.phones").deconstruct() == (
        None, "core.crypto.fields.EncryptedJSONField", [], {"null": True, "encryption_context": "records.contact.phones"})


@isolate_apps("core.crypto")
def test_pinned_context_survives_a_rename_and_index_options_are_refused():
    class Renamed(models.Model):  # noqa: DJ008
        phones = EncryptedJSONField(encryption_context="records.contact.phones")
        email = EncryptedTextField(unique=True)

        class Meta:
            app_label = "crypto"

    assert Renamed._meta.get_field("phones").encryption_context == "records.contact.phones"
    errors = Renamed._meta.get_field("email").check()
    assert [(type(error), error.id) for error in errors] == [(checks.Error, "crypto.E001")]
    assert Renamed._meta.get_field("phones").check() == []


def test_registry_lists_every_encrypted_column_once():
    crypto = [(column.label, column.table, column.column) for column in encrypted_columns()
              if column.model._meta.app_label == "crypto"]
    assert crypto == [("crypto.encryptionprobe.items", "crypto_encryptionprobe", "items"),
                      ("crypto.encryptionprobe.secret", "crypto_encryptionprobe", "secret")]


def test_doctor_check_round_trips_without_writing(alpha, use_ring, settings):
    settings.GUANXI_FIELD_KEYS_GENERATED = False
    settings.GUANXI_FIELD_HMAC_KEY_GENERATED = False
    with schema_context(alpha.schema_name):
        before = EncryptionProbe.objects.count()
    assert field_encryption_check() == (True, "newest key 'new', 1 in the ring, from the environment")
    with schema_context(alpha.schema_name):
        assert EncryptionProbe.objects.count() == before


def test_doctor_check_fails_on_generated_keys_in_production(use_ring, settings):
    settings.PRODUCTION = True
    settings.GUANXI_FIELD_KEYS_GENERATED = False
    settings.GUANXI_FIELD_HMAC_KEY_GENERATED = True
    assert field_encryption_check() == (
        False, "newest key 'new', 1 in the ring, generated development keys for GUANXI_FIELD_HMAC_KEY")


def test_doctor_check_fails_on_a_malformed_ring(settings):
    settings.GUANXI_FIELD_KEYS = "not a ring"
    assert field_encryption_check() == (
        False, "GUANXI_FIELD_KEYS: entry 1 is not `keyid:base64url-key` (key ids are 1-32 letters, digits, '-' or '_').")
