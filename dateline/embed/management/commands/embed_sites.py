"""``manage.py embed_sites``: the sites whose pages may show threads.

    manage.py embed_sites                      # list them
    manage.py embed_sites --add https://news.example.org [--name "The News"]
    manage.py embed_sites --remove https://news.example.org
    manage.py embed_sites --sso https://news.example.org   # a new SSO secret

The same list is in the admin (Settings, Embedding sites); both are audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.core.errors import DatelineError
from dateline.embed import actions
from dateline.embed.models import EmbedSite


class Command(BaseCommand):
    help = "List, add or remove the sites allowed to embed threads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--add", metavar="ORIGIN")
        parser.add_argument("--remove", metavar="ORIGIN")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--sso", metavar="ORIGIN", help="write a new single sign-on secret"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["add"]:
                site = actions.site_add(origin=options["add"], name=options["name"])
                self.stdout.write(f"added {site.origin}")
            if options["sso"]:
                secret = actions.site_new_sso_secret(origin=options["sso"])
                self.stdout.write(f"single sign-on secret: {secret}")
            if options["remove"]:
                origin = actions.site_remove(origin=options["remove"])
                self.stdout.write(f"removed {origin}")
        except DatelineError as exc:
            raise CommandError(exc.message) from None
        for site in EmbedSite.objects.all():
            state = "" if site.is_active else " (off)"
            self.stdout.write(f"{site.origin}{state}\t{site.name}")
