from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "dateline.discussion"
    label = "discussion"
    verbose_name = "Discussion"
    default_auto_field = "django.db.models.BigAutoField"
