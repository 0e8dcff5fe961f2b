from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "dateline.embed"
    label = "embed"
    verbose_name = "Embed on other sites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        check_request_enabled.connect(_listed_origin, dispatch_uid="embed-cors")


def _listed_origin(sender: object, request: object, **kwargs: object) -> bool:
    """django-cors-headers asks: may this request's origin read the answer?"""
    from dateline.embed import selectors

    origin = getattr(request, "headers", {}).get("Origin", "")
    return bool(origin) and selectors.origin_allowed(origin)
