"""What each imported record became, and the imports started from the admin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRecord(models.Model):
    """One record of a source and the object it became.

    ``source`` names the origin (``wordpress:https://blog.example``,
    ``disqus:forum``, ``isso:https://news.example``), so ids from two sites
    never meet. Looking a record up here before writing it is what makes an
    import idempotent and resumable.
    """

    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)  # member, article, thread, comment
    source_id = models.CharField(max_length=200)
    object_id = models.BigIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imported_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} -> {self.object_id}"


class KeptSubscription(models.Model):
    """A reader's subscription brought from the old site, kept until the
    notifications can honour it (wpDiscuz's ``wc_comments_subscription``).

    Only confirmed subscriptions are kept: an unconfirmed address may not
    be its owner's.
    """

    class Kind(models.TextChoices):
        THREAD = "thread", _("Every new comment in the thread")
        ALL = "all", _("Replies to any of their comments in the thread")
        REPLIES = "replies", _("Replies to one comment")

    source = models.CharField(max_length=200)
    email = models.EmailField()
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    thread = models.ForeignKey(
        "discussion.Thread", on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subscribed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} {self.kind} thread {self.thread_id}"


class ImportRun(models.Model):
    """One import started from the admin: what was asked, how far it got."""

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", _("WordPress export (WXR)")
        DISQUS = "disqus", _("Disqus export (XML)")
        ISSO = "isso", _("Isso database (comments.db)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source_type = models.CharField(max_length=20, choices=Source.choices)
    file_path = models.CharField(max_length=1000)  # on this server
    file_name = models.CharField(max_length=255)  # as the admin gave it
    dry_run = models.BooleanField(default=True)
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default="queued")
    counts = models.JSONField(default=dict, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        kind = "dry run" if self.dry_run else "import"
        return f"{self.get_source_type_display()} {kind} of {self.file_name}"
