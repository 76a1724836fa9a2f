"""Phone search tokens of leads: the whole number and the four digits its mask shows, no other fragment
(as records 0004)."""

from django.db import migrations

BATCH = 500


def retokenize(apps, schema_editor):
    from core.entities.search import record_tokens

    model = apps.get_model("leads", "Lead")
    batch = []
    for row in model.objects.only("pk", "company", "name", "emails", "phones").iterator(chunk_size=BATCH):
        row.search_tokens = record_tokens(texts=[row.company, row.name, *row.emails], phones=row.phones)
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, ["search_tokens"])
            batch = []
    if batch:
        model.objects.bulk_update(batch, ["search_tokens"])


class Migration(migrations.Migration):

    dependencies = [
        ("leads", "0002_lead_version"),
    ]

    operations = [
        migrations.RunPython(retokenize, migrations.RunPython.noop, elidable=True),
    ]
