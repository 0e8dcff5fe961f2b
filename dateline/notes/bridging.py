"""Bridging-based ranking: the model behind X's Community Notes, in numpy.

Every rating (a member's *helpful* / *somewhat* / *not helpful* on a note,
and, far more of them, a member's up or down vote on a comment) is
explained as

    rating ≈ μ + rater intercept + item intercept + rater factor · item factor

with one factor: the factor term takes up what a rater's side explains (a
note that only one side likes gets a large factor), and the item's
intercept keeps what everyone agrees on. Intercepts are regularised five
times more than factors (λ 0.15 against 0.03, as published), so whatever
the factor can explain is not credited to the intercept. A note is shown
when its intercept reaches about 0.40 with enough raters from both sides of
the factor, and marked not helpful when clearly below.

Comment votes are items of their own in the same fit: a member who has
voted on many comments has a position before rating any note, which a small
site's few note ratings could not give them.

The fit is alternating least squares: with one side's parameters fixed,
each item's (or rater's) intercept and factor solve a 2×2 ridge problem,
all of them at once with ``bincount``. Deterministic (seeded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

INTERCEPT_LAMBDA = 0.15
FACTOR_LAMBDA = 0.03
ITERATIONS = 60

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Ratings:
    """One row per rating: who (0..raters-1), what (0..items-1), the value
    (1 helpful, 0.5 somewhat, 0 not; a vote: 1 up, 0 down) and its weight."""

    rater: Ints
    item: Ints
    value: Floats
    weight: Floats
    raters: int
    items: int

    @classmethod
    def of(
        cls,
        rows: list[tuple[int, int, float, float]],
        *,
        raters: int,
        items: int,
    ) -> Ratings:
        data = np.array(rows, dtype=np.float64).reshape(-1, 4)
        return cls(
            rater=data[:, 0].astype(np.int64),
            item=data[:, 1].astype(np.int64),
            value=data[:, 2],
            weight=data[:, 3],
            raters=raters,
            items=items,
        )


@dataclass(frozen=True)
class Fit:
    mu: float
    rater_intercept: Floats
    rater_factor: Floats
    item_intercept: Floats
    item_factor: Floats


def _solve(
    who: Ints,
    count: int,
    residual: Floats,
    other: Floats,
    weight: Floats,
) -> tuple[Floats, Floats]:
    """Per ``who``: the intercept a and factor b minimising
    Σ w (residual − a − b·other)² + λi a² + λf b²."""

    def total(values: Floats) -> Floats:
        return np.bincount(who, weights=values, minlength=count).astype(np.float64)

    s0 = total(weight) + INTERCEPT_LAMBDA
    s1 = total(weight * other)
    s2 = total(weight * other * other) + FACTOR_LAMBDA
    t0 = total(weight * residual)
    t1 = total(weight * residual * other)
    det = s0 * s2 - s1 * s1
    return (t0 * s2 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det


def fit(ratings: Ratings, *, iterations: int = ITERATIONS, seed: int = 7) -> Fit:
    """The model's parameters for ``ratings`` (everything zero without any)."""
    rng = np.random.default_rng(seed)
    rater_intercept = np.zeros(ratings.raters)
    item_intercept = np.zeros(ratings.items)
    rater_factor = rng.normal(0.0, 0.1, ratings.raters)
    item_factor = np.zeros(ratings.items)
    if not len(ratings.value):
        return Fit(0.0, rater_intercept, rater_factor * 0, item_intercept, item_factor)
    u, n, v, w = ratings.rater, ratings.item, ratings.value, ratings.weight
    mu = float(np.average(v, weights=w))
    for _ in range(iterations):
        item_intercept, item_factor = _solve(
            n, ratings.items, v - mu - rater_intercept[u], rater_factor[u], w
        )
        rater_intercept, rater_factor = _solve(
            u, ratings.raters, v - mu - item_intercept[n], item_factor[n], w
        )
        predicted = (
            rater_intercept[u] + item_intercept[n] + rater_factor[u] * item_factor[n]
        )
        mu = float(np.average(v - predicted, weights=w))
    return Fit(mu, rater_intercept, rater_factor, item_intercept, item_factor)


@dataclass(frozen=True)
class Thresholds:
    """When a note is shown or marked not helpful (published defaults)."""

    show_at: float = 0.40
    min_raters: int = 5
    min_per_side: int = 2  # raters on each side of the factor
    not_helpful_base: float = -0.05
    not_helpful_slope: float = 0.8  # ... − slope · |factor|
    side_margin: float = 0.05  # a rater nearer 0 than this is on no side


HELPFUL, NOT_HELPFUL, NEEDS_MORE = "helpful", "not_helpful", "needs_more"


@dataclass(frozen=True)
class Verdict:
    status: str
    intercept: float
    factor: float
    raters: int
    positive_side: int  # raters with a factor above the margin
    negative_side: int


def verdicts(
    fitted: Fit,
    ratings: Ratings,
    items: list[int],
    thresholds: Thresholds | None = None,
) -> dict[int, Verdict]:
    """A verdict for each item in ``items`` (the notes), from ``fitted``."""
    limits = thresholds or Thresholds()
    side = np.where(
        fitted.rater_factor[ratings.rater] > limits.side_margin,
        1,
        np.where(fitted.rater_factor[ratings.rater] < -limits.side_margin, -1, 0),
    )
    out: dict[int, Verdict] = {}
    for item in items:
        mine = ratings.item == item
        raters = int(np.count_nonzero(mine))
        positive = int(np.count_nonzero(mine & (side == 1)))
        negative = int(np.count_nonzero(mine & (side == -1)))
        intercept = float(fitted.item_intercept[item])
        factor = float(fitted.item_factor[item])
        status = NEEDS_MORE
        if raters >= limits.min_raters:
            if (
                intercept >= limits.show_at
                and positive >= limits.min_per_side
                and negative >= limits.min_per_side
            ):
                status = HELPFUL
            elif intercept <= limits.not_helpful_base - limits.not_helpful_slope * abs(
                factor
            ):
                status = NOT_HELPFUL
        out[item] = Verdict(status, intercept, factor, raters, positive, negative)
    return out


def agreement(
    ratings: Ratings, decided: dict[int, str], *, minimum: int = 3
) -> dict[int, float]:
    """Each rater's share of ratings that matched a decided note's final
    status (helpful rated helpful or somewhat, not helpful rated not), for
    raters with at least ``minimum`` such ratings: the published algorithm's
    rater helpfulness, which brigades score low on."""
    hits: dict[int, list[int]] = {}
    for rater, item, value in zip(
        ratings.rater.tolist(),
        ratings.item.tolist(),
        ratings.value.tolist(),
        strict=True,
    ):
        status = decided.get(item)
        if status not in (HELPFUL, NOT_HELPFUL):
            continue
        agreed = (value >= 0.5) == (status == HELPFUL)
        tally = hits.setdefault(rater, [0, 0])
        tally[0] += int(agreed)
        tally[1] += 1
    return {r: a / n for r, (a, n) in hits.items() if n >= minimum}
