"""Readers' reports: each reporter weighs by how often moderators agreed.

A member's first report weighs 1. Each report a moderator upholds (the
comment is rejected) adds to the weight of their next ones; each one
dismissed (the comment is approved) takes from it, within
``REPORT_WEIGHT_MIN`` and ``REPORT_WEIGHT_MAX``. Once the open reports on a
published comment weigh ``REPORTS_HIDE_AT`` together, from at least two
members, the comment is hidden until a moderator decides. Guests' reports
reach the queue but do not hide anything: one person can have many browsers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dateline.moderation import conf
from dateline.moderation.models import Review

UPHELD, DISMISSED = "upheld", "dismissed"


def weight(upheld: int, dismissed: int) -> float:
    raw = (upheld + 1) / (dismissed + 1)
    return min(conf.get("REPORT_WEIGHT_MAX"), max(conf.get("REPORT_WEIGHT_MIN"), raw))


def weights(comment_id: int) -> dict[int, float]:
    """The weight of each member with an open report on this comment."""
    return weights_for([comment_id]).get(comment_id, {})


def weights_for(comment_ids: list[int]) -> dict[int, dict[int, float]]:
    """:func:`weights` for several comments (a page of the queue): two queries."""
    from dateline.discussion.models import Report

    open_reports = list(
        Report.objects.filter(
            comment_id__in=comment_ids, reporter__isnull=False, outcome=""
        ).values_list("comment_id", "reporter_id")
    )
    if not open_reports:
        return {}
    rows = (
        Report.objects.filter(reporter_id__in={r for _c, r in open_reports})
        .values("reporter_id")
        .annotate(
            upheld=Count("id", filter=Q(outcome=UPHELD)),
            dismissed=Count("id", filter=Q(outcome=DISMISSED)),
        )
    )
    by_reporter = {r["reporter_id"]: weight(r["upheld"], r["dismissed"]) for r in rows}
    found: dict[int, dict[int, float]] = {}
    for comment_id, reporter_id in open_reports:
        found.setdefault(comment_id, {})[reporter_id] = by_reporter[reporter_id]
    return found


def hides(comment_id: int) -> bool:
    """Do the open reports on this comment weigh enough to hide it?"""
    found = weights(comment_id)
    return len(found) >= 2 and sum(found.values()) >= conf.get("REPORTS_HIDE_AT")


def queue(comment: Any) -> Review:
    """The comment's open review, created by its first report.

    A published comment only flagged as worth a look moves to the Reported
    tab: readers' reports say more than a model's doubt (whose reason stays
    on the item).
    """
    review = Review.objects.filter(comment=comment, state=Review.State.PENDING).first()
    if review is None:
        review = Review.objects.create(
            comment=comment, source=Review.Source.REPORTS, created_at=timezone.now()
        )
    elif review.source == Review.Source.WATCH:
        review.source = Review.Source.REPORTS
        review.version += 1
        review.save(update_fields=["source", "version"])
    return review


def settle(comment_id: int, outcome: str) -> int:
    """A moderator decided: the open reports were right (upheld) or not."""
    from dateline.discussion.models import Report

    return Report.objects.filter(comment_id=comment_id, outcome="").update(
        outcome=outcome
    )


def unsettle(comment_id: int) -> int:
    """The decision was undone: its reports are open again."""
    from dateline.discussion.models import Report

    return (
        Report.objects.filter(comment_id=comment_id)
        .exclude(outcome="")
        .update(outcome="")
    )
