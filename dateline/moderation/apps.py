from django.apps import AppConfig


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dateline.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from dateline.moderation import queue, rules  # noqa: F401 - rules: signals
        from dateline.ops import metrics, selectors

        metrics.at_scrape(
            "dateline_moderation_queue",
            "Items waiting for a moderator, by where they came from.",
            queue.pending_by_source,
            label="source",
        )
        selectors.also_check("moderation_model", _model_ready)


def _model_ready() -> tuple[bool, str] | None:
    """Whether this process can score a post without waiting for its model."""
    from dateline.moderation import toxicity

    return toxicity.readiness()
