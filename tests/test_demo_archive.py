"""The demo's back catalogue: two years of discussion that earn the ranks and badges.

Restored from the shipped export, as ``make run`` does. Nothing about ranks
or badges is set by hand in the demo; these tests check that the history
earned them, and that a rebuild from the restored history gives the same
state (which is also a check that a restore keeps the ledger whole).
"""

from __future__ import annotations

from typing import Any

import pytest

from dateline.community import actions as community
from dateline.community.badges import REGISTRY
from dateline.community.models import BadgeGrant, Rank, Standing
from dateline.core.management.commands.bootstrap import DEMO_FILE
from dateline.discussion.models import Comment, Thread
from dateline.importers import restore
from dateline.newsroom.models import ArticlePage
from demo.archive import ARCHIVE
from tests.test_community import state


@pytest.fixture
def full_demo(db: None, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return restore.restore(restore.lines_of(DEMO_FILE), move_to_now=True)


def test_the_archive_history_earns_the_ladder_and_badges_and_rebuilds_the_same(
    full_demo, client
):
    """One test, because loading two years of discussion takes a while."""
    assert full_demo.counts["article"] == 6 + len(ARCHIVE)
    for spec in ARCHIVE:
        thread = Thread.objects.get(article__slug=spec["slug"])
        assert thread.comment_count >= spec["comments"] * 0.9

    standings = list(Standing.objects.select_related("member", "rank"))
    top = max(standings, key=lambda s: s.points)
    ladder = list(Rank.objects.order_by("min_points"))
    assert top.member.username == "old_cartographer"
    assert top.rank == ladder[-1] and top.rank.name == "Master"
    # Every step of the default ladder is held by someone.
    assert {s.rank_id for s in standings if s.rank_id} == {r.pk for r in ladder}

    held = BadgeGrant.objects.filter(revoked_at=None)
    assert set(held.values_list("badge", flat=True)) == set(REGISTRY)
    assert held.filter(level=3).exists()  # a gold somewhere
    mentor = held.filter(member=top.member, badge="rookie-mentor")
    assert mentor.exists() and all(g.comment_id for g in mentor)

    # The hothead's comments were removed by a moderator, and it cost him.
    removed = Comment.objects.filter(
        author__username="loud_and_right", status=Comment.Status.REMOVED
    )
    assert removed.count() == 2
    hothead = Standing.objects.get(member__username="loud_and_right")
    assert not held.filter(member=hothead.member, badge="civil").exists()

    # The front-page thread shows what the archive earned.
    beirut = ArticlePage.objects.get(slug__startswith="night-of-strikes")
    html = client.get(beirut.url).content.decode()
    assert "Master" in html and "Rookie Mentor" in html

    # A rebuild from the history reproduces what the actions built.
    incremental = state()
    community.community_rebuild()
    assert state() == incremental
