from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dateline.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dateline.core import events
        from dateline.ops import metrics, selectors

        events.listen(events.CommentPosted, metrics.comment_posted)

        metrics.at_scrape(
            "dateline_tasks_waiting",
            "Background tasks waiting for a worker (TASKS_BACKEND=database).",
            selectors.tasks_waiting,
        )
        metrics.at_scrape(
            "dateline_task_lag_seconds",
            "How long the oldest waiting task has waited.",
            selectors.task_lag_seconds,
        )
        metrics.at_scrape(
            "dateline_db_pool_connections",
            "The answering process's PostgreSQL pool, by state.",
            metrics.pool_use,
            label="state",
        )
