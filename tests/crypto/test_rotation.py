"""`guanxi rotate-field-keys`: every workspace moves to the newest key, in batches, resumably."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django_tenants.utils import schema_context

from core.crypto import services
from core.crypto.cipher import decrypt
from core.crypto.models import EncryptionProbe

SECRET_CONTEXT = "crypto.encryptionprobe.secret"
ITEMS_CONTEXT = "crypto.encryptionprobe.items"


def _stored(schema: str) -> list[tuple[int, str | None, str | None]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, secret, items FROM "{schema}".crypto_encryptionprobe ORDER BY id')
        return cursor.fetchall()


def _key_ids(schema: str) -> list[str]:
    return [token.split(":")[1] for _, secret, items in _stored(schema) for token in (secret, items) if token]


def _probes(tenant, count: int, *, items: bool = True) -> list[int]:
    with schema_context(tenant.schema_name):
        return [EncryptionProbe.objects.create(purpose=f"probe {n}", secret=f"secret {n} 1380000000{n}",
                                               items=[f"+86 138 0000 000{n}"] if items else None).pk
                for n in range(count)]


def _rotate(**options) -> list[str]:
    out = StringIO()
    call_command("rotate_field_keys", stdout=out, **options)
    return out.getvalue().splitlines()


def test_rotation_moves_every_workspace_to_the_newest_key(alpha, beta, use_ring):
    # given five probes in alpha and one in beta written under the old key
    use_ring("old")
    _probes(alpha, 5)
    _probes(beta, 1)
    assert set(_key_ids(alpha.schema_name)) == set(_key_ids(beta.schema_name)) == {"old"}
    # when a new key is put first in the ring and the rotation runs in batches of two
    use_ring("new", "old")
    lines = _rotate(batch_size=2)
    # then every token of both workspaces names the new key and decrypts to the same plaintext
    assert "alpha crypto.encryptionprobe.items: 5 re-encrypted" in lines
    assert "alpha crypto.encryptionprobe.secret: 5 re-encrypted" in lines
    assert "beta crypto.encryptionprobe.secret: 1 re-encrypted" in lines
    assert lines[-1] == "Done: 12 value(s) re-encrypted; every value is under key 'new'."
    assert _key_ids(alpha.schema_name) == ["new"] * 10
    assert _key_ids(beta.schema_name) == ["new"] * 2
    assert [(decrypt(secret, SECRET_CONTEXT), decrypt(items, ITEMS_CONTEXT)) for _, secret, items in
            _stored(alpha.schema_name)] == [(f"secret {n} 1380000000{n}", f'["+86 138 0000 000{n}"]')
                                            for n in range(5)]
    # and the old key can be removed: the ORM reads everything with the new key alone
    use_ring("new")
    with schema_context(alpha.schema_name):
        assert list(EncryptionProbe.objects.order_by("pk").values_list("secret", flat=True)) == [
            f"secret {n} 1380000000{n}" for n in range(5)]


def test_rotation_run_twice_changes_nothing_the_second_time(alpha, use_ring):
    # given a completed rotation
    use_ring("old")
    _probes(alpha, 3)
    use_ring("new", "old")
    _rotate(batch_size=2)
    after_first = _stored(alpha.schema_name)
    # when it runs again
    lines = _rotate(batch_size=2)
    # then no row is rewritten
    assert "alpha crypto.encryptionprobe.secret: 0 re-encrypted" in lines
    assert lines[-1] == "Done: 0 value(s) re-encrypted; every value is under key 'new'."
    assert _stored(alpha.schema_name) == after_first


def test_rotation_resumes_after_a_crash(alpha, use_ring, monkeypatch):
    # given five secrets under the old key, and a rotation that dies after its first batch of two
    use_ring("old")
    _probes(alpha, 5, items=False)
    use_ring("new", "old")
    real = services._reencrypt
    calls = []

    def crash_in_second_batch(token, context):
        calls.append(token)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(token, context)

    monkeypatch.setattr(services, "_reencrypt", crash_in_second_batch)
    with pytest.raises(RuntimeError, match="worker killed"):
        _rotate(batch_size=2)
    # then the first batch is committed and the interrupted one is untouched
    assert _key_ids(alpha.schema_name) == ["new", "new", "old", "old", "old"]
    # when it is run again
    monkeypatch.setattr(services, "_reencrypt", real)
    lines = _rotate(batch_size=2)
    # then it continues with the three rows left, and all plaintexts are intact
    assert "alpha crypto.encryptionprobe.secret: 3 re-encrypted" in lines
    assert _key_ids(alpha.schema_name) == ["new"] * 5
    assert [decrypt(secret, SECRET_CONTEXT) for _, secret, _ in _stored(alpha.schema_name)] == [
        f"secret {n} 1380000000{n}" for n in range(5)]


def test_dry_run_counts_and_writes_nothing(alpha, use_ring):
    use_ring("old")
    _probes(alpha, 4)
    before = _stored(alpha.schema_name)
    use_ring("new", "old")
    lines = _rotate(dry_run=True)
    assert "alpha crypto.encryptionprobe.items: 4 to re-encrypt" in lines
    assert "alpha crypto.encryptionprobe.secret: 4 to re-encrypt" in lines
    assert lines[-1] == "Dry run: 8 value(s) to re-encrypt under key 'new'."
    assert _stored(alpha.schema_name) == before


def test_rotation_writes_raw_tokens_without_touching_other_columns(alpha, use_ring):
    # given a probe whose plain columns hold known values
    use_ring("old")
    [pk] = _probes(alpha, 1)
    with schema_context(alpha.schema_name):
        EncryptionProbe.objects.filter(pk=pk).update(blind="b" * 32)
    # when it is rotated
    use_ring("new", "old")
    _rotate()
    # then the tokens moved once (not encrypted twice) and the other columns are as they were
    with schema_context(alpha.schema_name):
        probe = EncryptionProbe.objects.get(pk=pk)
    assert (probe.purpose, probe.blind, probe.secret) == ("probe 0", "b" * 32, "secret 0 13800000000")


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        _rotate(batch_size=0)


def test_malformed_ring_stops_before_anything_is_touched(db, settings):
    settings.GUANXI_FIELD_KEYS = "new"
    with pytest.raises(CommandError, match="entry 1 is not `keyid:base64url-key`"):
        _rotate()


@pytest.mark.committed
def test_rows_locked_by_a_user_are_skipped_and_reported(committed_db, use_ring):
    from tenants.models import Tenant

    # given three committed probes under the old key, one of them locked by another transaction
    alpha = Tenant.objects.get(slug="alpha")
    use_ring("old")
    pks = _probes(alpha, 3, items=False)
    other = connections.create_connection("default")
    try:
        use_ring("new", "old")
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(f'SELECT id FROM "{alpha.schema_name}".crypto_encryptionprobe WHERE id = %s FOR UPDATE',
                           [pks[1]])
        # when the rotation runs
        out = StringIO()
        with pytest.raises(CommandError) as error:
            call_command("rotate_field_keys", stdout=out)
        # then the locked row is left for a rerun, and the command does not claim to be done
        assert "alpha crypto.encryptionprobe.secret: 2 re-encrypted, 1 still under an old key" in out.getvalue()
        assert "run `guanxi rotate-field-keys` again before removing the old key" in str(error.value)
        assert _key_ids(alpha.schema_name) == ["new", "old", "new"]
        # and once the lock is released a rerun finishes
        other.rollback()
        assert "alpha crypto.encryptionprobe.secret: 1 re-encrypted" in _rotate()
        assert _key_ids(alpha.schema_name) == ["new", "new", "new"]
    finally:
        other.close()
        with schema_context(alpha.schema_name):
            EncryptionProbe.objects.filter(pk__in=pks).delete()


def test_rotation_re_encrypts_sensitive_custom_values(alpha, use_ring):
    from core.customization.current import default_document
    from core.customization.records import plain
    from core.customization.services import config_save
    from core.records import services as records
    from core.records.models import Deal
    from tests.factories import owner_of

    owner = owner_of(alpha)
    use_ring("old")
    with schema_context(alpha.schema_name):
        document = default_document()
        document["custom_fields"] = {"deal": [{"key": "id_number", "type": "text", "sensitive": True,
                                               "label": {"zh-hans": "证件号", "en": "ID number"}}]}
        config_save(actor=owner, document=document, base_version=0)
        account = records.account_create(actor=owner, data={"name": "Rotation Co"})
        deal = records.deal_create(actor=owner, data={"name": "R", "account": account.pk,
                                                      "custom": {"id_number": "330102199001011234"}})
        assert deal.custom["id_number"]["$enc"].split(":")[1] == "old"
    use_ring("new", "old")
    lines = _rotate(batch_size=2)
    assert "alpha records.deal.custom: 1 re-encrypted" in lines
    use_ring("new")  # the old key is gone: the value still reads
    with schema_context(alpha.schema_name):
        stored = Deal.objects.get(pk=deal.pk).custom
        assert stored["id_number"]["$enc"].split(":")[1] == "new"
        assert plain(stored) == {"id_number": "330102199001011234"}
    # a second run finds nothing to do
    assert "alpha records.deal.custom: 0 re-encrypted" in _rotate(batch_size=2)
