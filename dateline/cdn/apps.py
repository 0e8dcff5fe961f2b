from typing import Any

from django.apps import AppConfig


class CdnConfig(AppConfig):
    name = "dateline.cdn"
    label = "cdn"
    verbose_name = "Shared caches (CDN, Varnish)"

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from dateline.cdn import actions, backends
        from dateline.core import events

        backends.check_settings()  # a mistyped backend fails at start, not later

        events.listen(events.ThreadChanged, actions.thread_changed)

        page_published.connect(_article_changed, dispatch_uid="cdn-published")
        page_unpublished.connect(_article_changed, dispatch_uid="cdn-unpublished")


def _article_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from dateline.cdn import actions

    actions.article_changed(instance.pk)
