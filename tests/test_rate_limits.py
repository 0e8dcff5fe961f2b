"""Rate limits count a client by its network, and a burst cannot overshoot.

A client rotating addresses inside one IPv6 /64 (an ordinary home line)
or one IPv4 /24 once posted 25 of 25 times; concurrent bursts went one or
two over the limit because the count ran outside the lock.
"""

from __future__ import annotations

import ipaddress

import pytest
from django.utils import timezone

from dateline.core.errors import Rejected
from dateline.discussion import actions
from dateline.discussion.models import Comment, Thread
from dateline.moderation import scoring
from dateline.moderation.screening import Signals
from tests.concurrency import in_parallel

pytestmark = [pytest.mark.django_db, pytest.mark.moderation]

ONLY_RATE = ["dateline.moderation.scorers.RateScorer"]


def _post(thread, n: int, client: str) -> Comment:
    return actions.comment_post(
        actor=None,
        thread=thread,
        body=f"Ferry update number {n}, with a different text each time.",
        guest=actions.GuestIdentity(name=f"Guest {n}", key=f"key-{n}"),
        signals=Signals(client=client, seconds_to_submit=30),
    )


def _outcomes(thread, clients: list[str]) -> list[str]:
    done = []
    for n, client in enumerate(clients):
        try:
            _post(thread, n, client)
            done.append("posted")
        except Rejected as exc:
            assert exc.reasons[0]["code"] == "rate"
            done.append("refused")
    return done


def test_rotating_inside_an_ipv6_64_is_one_address(thread, settings):
    settings.DATELINE_MODERATION_SCORERS = ONLY_RATE
    settings.DATELINE_MODERATION_PER_MINUTE_PER_ADDRESS = 3
    line = ipaddress.ip_network("2001:db8:5:7::/64")
    clients = [str(line[n * 7919 + 1]) for n in range(25)]
    assert _outcomes(thread, clients) == ["posted"] * 3 + ["refused"] * 22


@pytest.mark.parametrize(
    ("network", "step"),
    [("198.51.100.0/24", 1), ("2001:db8:9::/48", 1 << 64)],  # a new /64 each
)
def test_a_network_has_a_wider_budget(thread, settings, network, step):
    settings.DATELINE_MODERATION_SCORERS = ONLY_RATE
    settings.DATELINE_MODERATION_PER_MINUTE_PER_ADDRESS = 3
    settings.DATELINE_MODERATION_PER_MINUTE_PER_NETWORK = 6
    base = ipaddress.ip_network(network)
    clients = [str(base[1 + n * step]) for n in range(25)]  # all different
    assert _outcomes(thread, clients) == ["posted"] * 6 + ["refused"] * 19
    # the next network is not held to this one's budget
    elsewhere = "203.0.113.9" if base.version == 4 else "2001:db8:a::1"
    assert _outcomes(thread, [elsewhere]) == ["posted"]


def test_a_refused_post_costs_no_model_time(thread, settings):
    settings.DATELINE_MODERATION_PER_MINUTE = 1
    draft_for = {"author_id": None, "guest_key_hash": "h", "client": "192.0.2.1"}
    Comment.objects.create(
        thread=thread,
        body="Earlier.",
        body_html="<p>Earlier.</p>",
        guest_key_hash="h",
        created_at=timezone.now(),
        depth=0,
    )
    scores = scoring.score(scoring.Draft(text="A calm note on the ferry.", **draft_for))
    names = [s.scorer for s in scores.scores]
    assert "rate" in names and "toxicity" not in names


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_burst_stops_exactly_at_the_limit(postgres_only, thread, settings):
    settings.DATELINE_MODERATION_SCORERS = ONLY_RATE
    settings.DATELINE_MODERATION_PER_MINUTE_PER_ADDRESS = 4

    def attempt(n):
        def run():
            try:
                _post(Thread.objects.get(pk=thread.pk), n, "192.0.2.77")
                return "posted"
            except Rejected:
                return "refused"

        return run

    outcomes = in_parallel([attempt(n) for n in range(24)], workers=12)
    assert outcomes.count("posted") == 4
    assert Comment.objects.filter(thread=thread).count() == 4


def test_a_post_takes_its_budgets_locks_in_one_round_trip(
    postgres_only, thread, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DATELINE_MODERATION_SCORERS = ONLY_RATE
    with CaptureQueriesContext(connection) as done:
        _post(thread, 1, "192.0.2.78")
    locking = [q["sql"] for q in done.captured_queries if "advisory" in q["sql"]]
    # The guest, the address and the network: three locks, one statement.
    assert len(locking) == 1
    assert locking[0].count("pg_advisory_xact_lock") == 3
