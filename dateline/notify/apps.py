from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "dateline.notify"
    label = "notify"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dateline.notify import listeners
        from dateline.notify.live import record

        listeners.connect()
        record.connect()
