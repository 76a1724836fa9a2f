"""Phone search tokens: the whole number and the four digits its mask shows, no other fragment.

Each number used to store a blind index of every run of four or more of its digits, and a search
matched any of them, so a fragment that ran into the masked middle digits told a reader those digits.
The tokens are computed again from each record's name, emails and (decrypted) phones.
"""

from django.db import migrations

BATCH = 500


def retokenize(apps, schema_editor):
    from core.entities.search import record_tokens

    for name in ("Account", "Contact"):
        model = apps.get_model("records", name)
        batch = []
        for row in model.objects.only("pk", "name", "emails", "phones").iterator(chunk_size=BATCH):
            row.search_tokens = record_tokens(texts=[row.name, *row.emails], phones=row.phones)
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, ["search_tokens"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["search_tokens"])


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0003_account_version_contact_version_deal_version_and_more"),
    ]

    operations = [
        migrations.RunPython(retokenize, migrations.RunPython.noop, elidable=True),
    ]
