"""What the moderation queue shows: tabs, their counts, and each item in context.

An item is a :class:`Review` with its comment, the article and the parent it
answers, why it is there (each scorer's reason with the words it found, or
the readers' reports with their weight) and the writer's record. A page of
items costs a fixed number of queries, whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from dateline.moderation import reports
from dateline.moderation.models import Review, Sanction

PENDING, FLAGGED, REPORTED, WATCH, DECIDED = (
    "pending",
    "flagged",
    "reported",
    "watch",
    "decided",
)
TABS = {
    PENDING: _("Pending"),
    FLAGGED: _("Auto-flagged"),
    REPORTED: _("Reported"),
    WATCH: _("Worth a look"),
    DECIDED: _("Recently decided"),
}
SOURCES = {
    PENDING: Review.Source.POLICY,
    FLAGGED: Review.Source.SCORERS,
    REPORTED: Review.Source.REPORTS,
    WATCH: Review.Source.WATCH,
}
DECIDED_DAYS = 7
PAGE = 50


def tab_or_default(tab: str | None) -> str:
    return tab if tab in TABS else FLAGGED


def _decided_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=DECIDED_DAYS)


def _in_tab(tab: str) -> Q:
    if tab == DECIDED:
        return Q(
            state__in=[Review.State.APPROVED, Review.State.REJECTED],
            decided_at__gte=_decided_since(),
        ) & ~Q(decision="")
    return Q(state=Review.State.PENDING, source=SOURCES[tab])


def counts() -> dict[str, int]:
    """How many items each tab holds: one query."""
    found = Review.objects.aggregate(
        **{tab: Count("pk", filter=_in_tab(tab)) for tab in TABS}
    )
    return {tab: found[tab] or 0 for tab in TABS}


@dataclass
class ReportLine:
    reason: str
    count: int
    notes: list[str]


@dataclass
class WriterRecord:
    name: str
    is_guest: bool
    points: int | None = None
    rank: str | None = None
    published: int = 0
    removed: int = 0
    held_before: int = 0
    sanctions: list[Sanction] = field(default_factory=list)
    joined: dt.datetime | None = None


@dataclass
class Item:
    review: Review
    comment: Any
    text: SafeString  # the comment's source, the flagged words marked
    reasons: list[dict[str, Any]]
    report_lines: list[ReportLine]
    report_weight: float
    writer: WriterRecord

    @property
    def key(self) -> str:
        """What a bulk action sends: the item and the version the page saw."""
        return f"{self.review.pk}:{self.review.version}"


def highlighted(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """``text`` escaped, with each span wrapped in <mark> (overlaps merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(
        (max(0, int(s)), min(len(text), int(e))) for s, e in spans
    ):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    at = 0
    for start, end in merged:
        out.append(escape(text[at:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece is escaped)


def _reasons(review: Review) -> list[dict[str, Any]]:
    """Each scorer's reason, with its share of the blame when it gave one."""
    scores = {s.get("scorer"): s for s in review.scores if isinstance(s, dict)}
    by_code: dict[str, float] = {}
    for s in scores.values():
        for reason in s.get("reasons", []):
            by_code[reason.get("code", "")] = s.get("score", 0.0)
    return [
        {**reason, "score": by_code.get(reason.get("code", ""))}
        for reason in review.reasons
    ]


def _writers(comments: list[Any]) -> dict[int, WriterRecord]:
    """The record of each item's writer: five queries for the whole page."""
    from dateline.community.models import Standing
    from dateline.discussion.models import Comment

    member_ids = {c.author_id for c in comments if c.author_id}
    guest_keys = {c.guest_key_hash for c in comments if not c.author_id}
    writer = Q(author_id__in=member_ids) | Q(
        author__isnull=True, guest_key_hash__in=guest_keys
    )
    tallies: dict[tuple[Any, str], int] = defaultdict(int)
    rows = (
        Comment.objects.filter(writer)
        .values("author_id", "guest_key_hash", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        who = row["author_id"] or row["guest_key_hash"]
        tallies[(who, row["status"])] += row["n"]
    held = Counter(
        author_id or key
        for author_id, key in Review.objects.filter(
            comment__in=Comment.objects.filter(writer),
            source__in=[Review.Source.SCORERS, Review.Source.REPORTS],
        ).values_list("comment__author_id", "comment__guest_key_hash")
    )
    standings = {
        s.member_id: s
        for s in Standing.objects.filter(member_id__in=member_ids).select_related(
            "rank", "locked_rank"
        )
    }
    active = list(
        Sanction.active().filter(
            Q(user_id__in=member_ids) | Q(guest_key_hash__in=guest_keys)
        )
    )
    records: dict[int, WriterRecord] = {}
    for c in comments:
        who = c.author_id or c.guest_key_hash
        standing = standings.get(c.author_id) if c.author_id else None
        records[c.pk] = WriterRecord(
            name=c.display_name,
            is_guest=c.author_id is None,
            points=standing.points if standing else None,
            rank=standing.shown_rank.name if standing and standing.shown_rank else None,
            published=tallies[(who, "published")],
            removed=tallies[(who, "removed")],
            held_before=max(0, held[who] - 1),
            sanctions=[
                s
                for s in active
                if (c.author_id and s.user_id == c.author_id)
                or (not c.author_id and s.guest_key_hash == c.guest_key_hash)
            ],
            joined=c.author.date_joined if c.author_id else None,
        )
    return records


def _report_lines(comment_ids: list[int]) -> dict[int, list[ReportLine]]:
    from dateline.discussion.models import Report

    grouped: dict[int, dict[str, ReportLine]] = defaultdict(dict)
    labels = dict(Report.Reason.choices)
    for r in Report.objects.filter(comment_id__in=comment_ids, outcome="").order_by(
        "created_at"
    ):
        line = grouped[r.comment_id].setdefault(
            r.reason, ReportLine(str(labels.get(r.reason, r.reason)), 0, [])
        )
        line.count += 1
        if r.note:
            line.notes.append(r.note)
    return {pk: list(lines.values()) for pk, lines in grouped.items()}


def items(tab: str, *, limit: int = PAGE) -> list[Item]:
    """The tab's items, oldest first (newest decisions first when decided;
    the surest first under Worth a look, which may be long)."""
    order = ["created_at", "pk"]
    if tab == DECIDED:
        order = ["-decided_at"]
    elif tab == WATCH:
        order = ["-priority", *order]
    reviews = list(
        Review.objects.filter(_in_tab(tab))
        .select_related(
            "comment__thread__article",
            "comment__parent",
            "comment__author",
            "decided_by",
            "sanction",
        )
        .prefetch_related("comment__revisions")
        .order_by(*order)[:limit]
    )
    comments = [r.comment for r in reviews]
    writers = _writers(comments)
    lines = _report_lines([c.pk for c in comments])
    weights = reports.weights_for(
        [r.comment_id for r in reviews if r.source == Review.Source.REPORTS]
    )
    found = []
    for review in reviews:
        c = review.comment
        text = c.body
        if not text and c.is_removed:  # decided: the text is in its revision
            revisions = c.revisions.all()  # prefetched, oldest first
            text = revisions[len(revisions) - 1].body if revisions else ""
        spans = [tuple(span) for r in review.reasons for span in r.get("spans", [])]
        found.append(
            Item(
                review=review,
                comment=c,
                text=highlighted(text, spans),
                reasons=_reasons(review),
                report_lines=lines.get(c.pk, []),
                report_weight=round(sum(weights.get(c.pk, {}).values()), 2),
                writer=writers[c.pk],
            )
        )
    return found


def pending_by_source() -> dict[str, float]:
    """How many items wait for a moderator, by source (held, reported, ...)."""
    rows = (
        Review.objects.filter(state=Review.State.PENDING)
        .values_list("source")
        .annotate(n=Count("id"))
    )
    return {str(source): float(n) for source, n in rows}
