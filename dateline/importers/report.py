"""What an import did, or would do: counts, what it skipped and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The counts a summary shows first, in this order, with their labels.
LABELS = {
    "articles_created": "articles created",
    "threads_created_for_articles": "threads under new articles",
    "threads_matched": "threads matched to existing articles",
    "threads_by_url": "threads kept by URL (no article matched)",
    "threads_already": "threads imported before",
    "comments_published": "comments published",
    "comments_pending": "comments held for review",
    "comments_deleted": "deleted comments kept as placeholders",
    "comments_already": "comments imported before (unchanged)",
    "replies": "of them replies",
    "orphans": "replies whose parent is missing (now top level)",
    "votes": "votes carried over",
    "votes_added_to_earlier_comments": "new votes on comments imported before",
    "members_matched": "members matched by email",
    "members_created": "members created",
    "skipped_pingbacks": "pingbacks and trackbacks skipped",
    "skipped_spam": "spam skipped",
    "skipped_invalid": "records skipped (listed below)",
    "left_out_media": "images and embeds left out of articles",
}


@dataclass
class Report:
    dry_run: bool
    source: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, where: str, reason: str, count: str = "skipped_invalid") -> None:
        self.counts[count] += 1
        self.skipped.append((where, reason))

    @property
    def comments_done(self) -> int:
        return sum(
            self.counts[k]
            for k in (
                "comments_published",
                "comments_pending",
                "comments_deleted",
                "comments_already",
            )
        )

    def lines(self) -> list[str]:
        head = "Dry run: nothing was written." if self.dry_run else "Imported."
        out = [f"{head} Source: {self.source or 'unknown'}"]
        for key, label in LABELS.items():
            if self.counts.get(key):
                out.append(f"  {label}: {self.counts[key]}")
        for key in sorted(set(self.counts) - set(LABELS)):
            out.append(f"  {key.replace('_', ' ')}: {self.counts[key]}")
        if self.skipped:
            out.append(f"Skipped ({len(self.skipped)}):")
            out.extend(f"  {where}: {reason}" for where, reason in self.skipped)
        return out
