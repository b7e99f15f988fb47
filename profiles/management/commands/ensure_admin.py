"""Create a local admin account when none exists and print its credentials."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a local superuser 'admin' with a random password if no superuser exists."

    def handle(self, *args, **options):
        User = get_user_model()
        credentials = settings.VAR_DIR / "admin-credentials.txt"
        if User.objects.filter(is_superuser=True).exists():
            where = f" (see {credentials})" if credentials.exists() else ""
            self.stdout.write(f"Admin account already exists{where}.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@localhost", password)
        credentials.write_text(f"username: admin\npassword: {password}\n")
        credentials.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created admin account  username: admin  password: {password}  (saved in {credentials})"
            )
        )
