"""`guanxi rotate-field-keys`: re-encrypt every encrypted value under the newest key of the ring.

Run it after putting a new key first in GUANXI_FIELD_KEYS on every process; remove the old key only
once it exits with status 0 (nothing left under an old key). Safe to interrupt and to run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.crypto.keys import FieldKeyError, key_ring
from core.crypto.services import DEFAULT_BATCH_SIZE, ColumnRotation, field_keys_rotate
from tenants.key_rotation import rotation_schemas


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value of every workspace under the newest field key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                            help=f"Rows per transaction (default {DEFAULT_BATCH_SIZE}).")
        parser.add_argument("--dry-run", action="store_true", help="Only count the values still under an old key.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            newest = key_ring().newest.key_id
        except FieldKeyError as error:
            raise CommandError(str(error)) from None

        def show(result: ColumnRotation) -> None:
            if dry_run:
                self.stdout.write(f"{result.workspace} {result.column}: {result.pending} to re-encrypt")
                return
            line = f"{result.workspace} {result.column}: {result.reencrypted} re-encrypted"
            if result.pending:
                line += f", {result.pending} still under an old key"
            self.stdout.write(line)

        results = field_keys_rotate(schemas=rotation_schemas(), batch_size=batch_size, dry_run=dry_run, on_column=show)
        pending = sum(result.pending for result in results)
        if dry_run:
            self.stdout.write(f"Dry run: {pending} value(s) to re-encrypt under key {newest!r}.")
            return
        done = sum(result.reencrypted for result in results)
        if pending:
            raise CommandError(f"{done} value(s) re-encrypted under key {newest!r}; {pending} still under an old "
                               "key (locked by a user or written meanwhile): run `guanxi rotate-field-keys` again "
                               "before removing the old key.")
        self.stdout.write(self.style.SUCCESS(
            f"Done: {done} value(s) re-encrypted; every value is under key {newest!r}."))
