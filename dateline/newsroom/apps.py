from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from dateline.core import search
        from dateline.newsroom import models

        search.follow(
            models.HomePage,
            models.SectionPage,
            models.AuthorIndexPage,
            models.AuthorPage,
            models.ArticlePage,
        )
