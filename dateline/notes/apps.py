from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "dateline.notes"
    label = "notes"
    verbose_name = "Context notes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dateline.core import events
        from dateline.discussion import selectors as discussion
        from dateline.discussion.api import api
        from dateline.notes.api import router
        from dateline.notes.selectors import shown_under_comments
        from dateline.notes.tasks import comments_imported, votes_moved

        api.add_router("/", router)
        discussion.annotator_add(shown_under_comments)
        events.listen(events.CommentVoted, votes_moved)
        events.listen(events.CommentsImported, comments_imported)
