from django.apps import AppConfig
from django.db.models.signals import post_save


class CoreConfig(AppConfig):
    name = "dateline.core"
    label = "core"
    verbose_name = "Dateline core"

    def ready(self) -> None:
        from dateline.core import search

        post_save.connect(search.saved_any, dispatch_uid="dateline-references")
