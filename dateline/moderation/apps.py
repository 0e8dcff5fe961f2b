from django.apps import AppConfig


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dateline.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from dateline.moderation import rules  # noqa: F401 - connects its signals
