from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "dateline.notes"
    label = "notes"
    verbose_name = "Context notes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dateline.discussion.api import api
        from dateline.notes.api import router

        api.add_router("/", router)
