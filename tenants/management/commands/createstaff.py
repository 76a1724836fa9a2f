"""Create a provider staff user (public schema) for the ops console."""

from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.users.models import User, normalize_email


class Command(BaseCommand):
    help = "Create a staff user of the public schema, who can log in to /ops/."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Prompted for when omitted.")

    def handle(self, *args, email: str, name: str, password: str | None, **options):
        connection.set_schema_to_public()
        email = normalize_email(email)
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A staff user {email} already exists.")
        if not password:
            password = getpass.getpass("Password: ")
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        User.objects.create_user(email, password, name=name or email.split("@")[0], role="admin", is_staff=True)
        self.stdout.write(self.style.SUCCESS(f"Staff user {email} created. Log in at /ops/."))
