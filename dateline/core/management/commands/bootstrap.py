"""Prepare a Dateline install to serve: migrate, static files, demo, admin account."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, load the demo content on first run and "
        "create an admin account, printing its credentials."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="Start with an empty site instead."
        )
        parser.add_argument(
            "--no-archive",
            action="store_true",
            help="Load the demo without its back catalogue of older discussion.",
        )

    def handle(self, *args: object, **options: object) -> None:
        from dateline.newsroom import actions
        from dateline.newsroom.demo.loader import load_demo
        from dateline.newsroom.models import HomePage

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        first_run = not HomePage.objects.exists()
        if first_run and not options["no_demo"]:
            if not options["no_archive"]:
                self.stdout.write(
                    "Loading the demo: articles and two years of reader "
                    "discussion (about half a minute)..."
                )
                self.stdout.flush()
            result = load_demo(archive=not options["no_archive"])
            self.stdout.write(
                f"Loaded demo content: {result['articles_created']} articles."
            )
        elif first_run:
            actions.home_page_ensure(title=settings.DATELINE_SITE_NAME)
        self.stdout.write(self._admin_account())

    def _admin_account(self) -> str:
        User = get_user_model()
        password_file = settings.DATA_DIR / "admin-password.txt"
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(
                username=ADMIN_USERNAME, email="admin@localhost", password=password
            )
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        if (
            password_file.exists()
            and User.objects.filter(username=ADMIN_USERNAME).exists()
        ):
            password = password_file.read_text().strip()
            return (
                f"Admin: {settings.SITE_URL}/admin/  user: {ADMIN_USERNAME}  "
                f"password: {password}  (initial password, kept in {password_file})"
            )
        return (
            f"Admin: {settings.SITE_URL}/admin/  (log in with your superuser account)"
        )
