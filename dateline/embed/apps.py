from typing import Any

from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "dateline.embed"
    label = "embed"
    verbose_name = "Embed on other sites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        check_request_enabled.connect(_listed_origin, dispatch_uid="embed-cors")


def _listed_origin(sender: object, request: Any, **kwargs: object) -> bool:
    """django-cors-headers asks: may this request's origin read the answer?

    Browsers send ``Origin`` with the site's own form posts and htmx writes
    too: those need no cross-origin answer, and no lookup of the embed's
    list (a query on every vote and comment from a page).
    """
    from dateline.core.middleware import own_origin
    from dateline.embed import selectors

    origin = request.headers.get("Origin", "")
    if not origin or origin == own_origin(request):
        return False
    return selectors.origin_allowed(origin)
