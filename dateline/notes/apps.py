from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "dateline.notes"
    label = "notes"
    verbose_name = "Context notes"
    default_auto_field = "django.db.models.BigAutoField"
