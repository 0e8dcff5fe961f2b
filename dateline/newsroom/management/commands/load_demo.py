from django.core.management.base import BaseCommand

from dateline.newsroom.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo newsroom (sections, authors, articles). Safe to run twice."

    def handle(self, *args: object, **options: object) -> None:
        result = load_demo()
        self.stdout.write(
            f"Demo content: {result['articles_created']} of {result['articles']} "
            "articles created (the rest were already there)."
        )
