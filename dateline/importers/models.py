"""What each imported record became."""

from __future__ import annotations

from django.db import models


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
