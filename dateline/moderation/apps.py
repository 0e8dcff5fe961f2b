from django.apps import AppConfig


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dateline.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from dateline.moderation import queue, rules  # noqa: F401 - rules: signals
        from dateline.ops import metrics

        metrics.at_scrape(
            "dateline_moderation_queue",
            "Items waiting for a moderator, by where they came from.",
            queue.pending_by_source,
            label="source",
        )
