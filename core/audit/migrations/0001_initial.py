import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.audit.append_only import INSTALL_SQL, REMOVE_SQL


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                ("actor_label", models.CharField(blank=True, help_text="The actor's email when the entry was written.", max_length=254, verbose_name="actor")),
                ("action", models.CharField(help_text="One of AuditAction's values.", max_length=40, verbose_name="action")),
                ("entity", models.CharField(blank=True, max_length=50, verbose_name="entity")),
                ("record_id", models.BigIntegerField(blank=True, null=True, verbose_name="record id")),
                ("record_label", models.CharField(blank=True, max_length=300, verbose_name="record")),
                ("fields", django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=100), blank=True, default=list, size=None)),
                ("changes", models.JSONField(blank=True, default=dict, help_text="{field: [old, new]}; sensitive values arrive masked.")),
                ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                ("user_agent", models.CharField(blank=True, max_length=500, verbose_name="user agent")),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "db_table": "audit_entry",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["entity", "record_id"], name="audit_entry_record_idx"),
                    models.Index(fields=["actor", "created_at"], name="audit_entry_actor_idx"),
                    models.Index(fields=["action", "created_at"], name="audit_entry_action_idx"),
                    models.Index(fields=["created_at"], name="audit_entry_created_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="FieldChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("entity", models.CharField(max_length=50)),
                ("record_id", models.BigIntegerField()),
                ("field", models.CharField(max_length=100)),
                ("old_value", models.JSONField(blank=True, null=True)),
                ("new_value", models.JSONField(blank=True, null=True)),
                ("actor_label", models.CharField(blank=True, max_length=254)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "db_table": "audit_field_change",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["entity", "record_id", "created_at"], name="audit_field_change_record_idx"),
                ],
            },
        ),
        # Append-only in the database: UPDATE/DELETE/TRUNCATE raise (see core/audit/append_only.py).
        migrations.RunSQL(INSTALL_SQL, reverse_sql=REMOVE_SQL),
    ]
