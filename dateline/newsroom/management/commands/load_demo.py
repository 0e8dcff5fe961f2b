from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from dateline.newsroom.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo newsroom (sections, authors, articles). Safe to run twice."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-archive",
            action="store_true",
            help="leave out the back catalogue and its two years of discussion",
        )

    def handle(self, *args: object, **options: object) -> None:
        result = load_demo(archive=not options["no_archive"])
        self.stdout.write(
            f"Demo content: {result['articles_created']} of {result['articles']} "
            "articles created (the rest were already there)."
        )
