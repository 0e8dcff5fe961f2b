"""``make eval-notes`` (not a test): the bridging scorer against a plain
helpful-ratio baseline on simulated communities (``dateline/notes/
simulation.py``): two camps (60/40 and 80/20), notes that are helpful,
partisan or poor, a brigade of sock puppets at 0, 10, 20 and 30% of the
accounts, 5, 10 and 20 ratings per note, with and without the comment-vote
prior. Each line sums EVAL_NOTES_SEEDS communities (default 5).

Prints, per case and scorer: precision and recall of *shown* against the
truth, partisan notes shown, poor notes marked not helpful, and notes that
reached a correct decided status; then the issue's targets (at 10 ratings
per note with 20% brigading: precision ≥ 0.9 and ≤ 2% of partisan notes
shown) and the prior's gain, as ``name=value`` lines.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dateline.notes.simulation import Case, Tally, judge

SEEDS = int(os.environ.get("EVAL_NOTES_SEEDS", "5"))


def total(tallies: list[Tally]) -> Tally:
    return Tally(
        **{f.name: sum(getattr(t, f.name) for t in tallies) for f in fields(Tally)}
    )


def share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def right(t: Tally) -> float:
    """Helpful notes shown and poor ones marked not helpful, of both."""
    return share(t.decided_right, t.helpful + t.poor)


def main() -> None:
    started = time.perf_counter()
    print(
        f"{'camps':>6} {'brigade':>7} {'ratings':>7} {'prior':>5} {'scorer':>8}"
        f" {'precision':>9} {'recall':>6} {'partisan shown':>14}"
        f" {'poor marked':>11} {'decided right':>13}"
    )
    results: dict[tuple[float, float, int, bool, str], Tally] = {}
    for majority in (0.6, 0.8):
        for brigade in (0.0, 0.1, 0.2, 0.3):
            for ratings in (5, 10, 20):
                for prior in (True, False):
                    runs = [
                        judge(Case(majority, ratings, brigade, prior, seed))
                        for seed in range(SEEDS)
                    ]
                    for scorer in ("bridging", "ratio"):
                        if scorer == "ratio" and not prior:
                            continue  # the baseline does not read votes
                        t = total([r[scorer] for r in runs])
                        results[(majority, brigade, ratings, prior, scorer)] = t
                        print(
                            f"{round(majority * 100)}/{round((1 - majority) * 100):<3}"
                            f" {brigade:>7.0%} {ratings:>7} {('no', 'yes')[prior]:>5}"
                            f" {scorer:>8} {share(t.shown_helpful, t.shown):>9.3f}"
                            f" {share(t.shown_helpful, t.helpful):>6.3f}"
                            f" {t.shown_partisan:>5}/{t.partisan:<4}"
                            f" ({share(t.shown_partisan, t.partisan):>4.1%})"
                            f" {share(t.poor_marked, t.poor):>11.3f}"
                            f" {right(t):>13.3f}"
                        )
    print()
    for majority in (0.6, 0.8):
        name = f"{round(majority * 100)}_{round((1 - majority) * 100)}"
        t = results[(majority, 0.2, 10, True, "bridging")]
        precision = share(t.shown_helpful, t.shown)
        partisan = share(t.shown_partisan, t.partisan)
        print(f"notes_{name}_r10_b20_precision={precision:.3f} target>=0.9")
        print(f"notes_{name}_r10_b20_partisan_shown={partisan:.3f} target<=0.02")
        base = results[(majority, 0.2, 10, True, "ratio")]
        print(
            f"notes_{name}_r10_b20_ratio_baseline_partisan_shown="
            f"{share(base.shown_partisan, base.partisan):.3f}"
        )
        for ratings in (5, 10, 20):
            with_prior = results[(majority, 0.0, ratings, True, "bridging")]
            without = results[(majority, 0.0, ratings, False, "bridging")]
            print(
                f"notes_{name}_r{ratings}_decided_right_with_prior="
                f"{right(with_prior):.3f} without={right(without):.3f}"
            )
    print(f"eval_notes_seconds={time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
