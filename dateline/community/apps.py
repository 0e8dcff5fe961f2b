from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "dateline.community"
    label = "community"
    verbose_name = "Community"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dateline.community import listeners

        listeners.connect()
