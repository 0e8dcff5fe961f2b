"""Prepare a Dateline install to serve: migrate, static files, demo, admin account."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.config import BASE_DIR

ADMIN_USERNAME = "admin"
# Written by demo/build.py; see demo/__init__.py.
DEMO_FILE = BASE_DIR / "demo" / "dateline-demo.jsonl.gz"


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, load the demo content on first run, "
        "point the site at DATELINE_SITE_URL and create an admin account, "
        "printing its credentials."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="Start with an empty site instead."
        )

    def handle(self, *args: object, **options: object) -> None:
        from dateline.importers import restore
        from dateline.newsroom import actions
        from dateline.newsroom.models import HomePage

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        first_run = not HomePage.objects.exists()
        if first_run and not options["no_demo"]:
            if not DEMO_FILE.is_file():
                raise CommandError(
                    f"The demo export {DEMO_FILE} is missing (it comes with the "
                    "repository); run with --no-demo for an empty site."
                )
            # Through the importer, as any site's export; its times move to now.
            done = restore.restore(restore.lines_of(DEMO_FILE), move_to_now=True)
            self.stdout.write(
                f"Loaded the demo: {done.counts['article']} articles, "
                f"{done.counts['comment']} comments."
            )
        elif first_run:
            actions.home_page_ensure(title=settings.DATELINE_SITE_NAME)
        if actions.site_address_set(settings.SITE_URL):
            self.stdout.write(f"Pages now say they live at {settings.SITE_URL}/.")
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
