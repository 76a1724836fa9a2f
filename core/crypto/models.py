"""The one model of the app: a probe that proves the encrypted fields work in every workspace schema."""

from __future__ import annotations

from django.db import models

from .fields import EncryptedJSONField, EncryptedTextField


class EncryptionProbe(models.Model):
    """A row with each kind of encrypted field, used to verify that the key ring round-trips.

    `guanxi doctor` encrypts and decrypts through these fields without writing; the tests store rows
    to prove that the column holds no plaintext and that key rotation reaches every workspace. The
    table stays empty in normal use.
    """

    purpose = models.CharField(max_length=100)
    secret = EncryptedTextField(blank=True)
    items = EncryptedJSONField(null=True, blank=True)
    blind = models.CharField(max_length=32, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.purpose
