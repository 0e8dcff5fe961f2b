"""``make bench``'s POST rounds (bench/posting.py): order and median."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "bench" / "posting.py"


@pytest.fixture
def posting(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_posting", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROUNDS", 4)
    return module


def test_rounds_alternate_who_goes_first_and_report_the_median(posting):
    calls, printed = [], {}
    rates = iter([300.0, 330.0, 290.0, 310.0])  # the peer's, round by round

    def post(name, settings):
        calls.append(name)
        return 700.0 if settings else 320.0

    def peer():
        calls.append("peer")
        return next(rates)

    medians = posting.rounds(
        post, peer, {"NO": "1"}, printed.__setitem__, lambda _line: None
    )
    assert calls == [
        *("post_round1", "post_notoxicity_round1", "peer"),
        *("peer", "post_round2", "post_notoxicity_round2"),
        *("post_round3", "post_notoxicity_round3", "peer"),
        *("peer", "post_round4", "post_notoxicity_round4"),
    ]
    assert printed["post_rounds"] == 4
    assert printed["post_rounds_isso_rps"] == "300.0,330.0,290.0,310.0"
    # 700 over 300, 330, 290 and 310: 2.33, 2.12, 2.41, 2.26.
    assert medians["post_notoxicity"] == pytest.approx((700 / 300 + 700 / 310) / 2)
    assert medians["post"] == pytest.approx((320 / 300 + 320 / 310) / 2)


def test_a_failed_peer_leaves_the_ratios_to_the_single_pass(posting):
    answers = iter([300.0, None])
    medians = posting.rounds(
        lambda name, settings: 500.0,
        lambda: next(answers),
        {},
        lambda name, value: None,
        lambda _line: None,
    )
    assert medians == {}
