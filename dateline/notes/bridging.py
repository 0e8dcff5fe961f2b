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
ITERATIONS = 60  # at most; a fit stops when no intercept moves by TOLERANCE
TOLERANCE = 1e-4

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
    mu: Floats  # the mean: of note ratings [0], of comment votes [1]
    rater_intercept: Floats  # (raters, 2): on notes, on comments
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


def _solve_raters(
    who: Ints,
    count: int,
    group: Ints,
    residual: Floats,
    other: Floats,
    weight: Floats,
) -> tuple[Floats, Floats]:
    """Per rater: an intercept for each group (note ratings, comment votes)
    and one factor, minimising Σ w (residual − a_group − f·other)²
    + λi (a_0² + a_1²) + λf f². With f fixed each a_g is a ridge mean;
    put back, f solves one equation."""

    def total(values: Floats, mask: NDArray[np.bool_] | None = None) -> Floats:
        chosen, values = (who, values) if mask is None else (who[mask], values[mask])
        return np.bincount(chosen, weights=values, minlength=count).astype(np.float64)

    s2 = total(weight * other * other) + FACTOR_LAMBDA
    t1 = total(weight * residual * other)
    parts = []
    for g in (0, 1):
        mask = group == g
        d = total(weight, mask) + INTERCEPT_LAMBDA
        s1 = total(weight * other, mask)
        t0 = total(weight * residual, mask)
        parts.append((d, s1, t0))
        s2 = s2 - s1 * s1 / d
        t1 = t1 - s1 * t0 / d
    factor = t1 / s2
    intercept = np.stack([(t0 - s1 * factor) / d for d, s1, t0 in parts], axis=1)
    return intercept, factor


def _rebalance(
    rater_factor: Floats, item_intercept: Floats, item_factor: Floats
) -> tuple[Floats, Floats, Floats]:
    """The same predictions at a smaller penalty. Two changes leave every
    prediction as it is: shifting all rater factors by δ while each item's
    intercept gives back δ times its factor, and scaling rater factors by c
    and item factors by 1/c. The data cannot choose δ or c, only the
    penalties can, and alternating solves move along them very slowly (at a
    million votes, 300 sweeps still left intercepts 0.08 apart). Both have
    closed-form optima, taken after every sweep: 20 sweeps then agree with
    300 to 0.0004 at the 99th percentile."""
    li, lf = INTERCEPT_LAMBDA, FACTOR_LAMBDA
    shift = (li * np.dot(item_intercept, item_factor) - lf * rater_factor.sum()) / (
        li * np.dot(item_factor, item_factor) + lf * len(rater_factor)
    )
    rater_factor = rater_factor + shift
    item_intercept = item_intercept - shift * item_factor
    raters, items = np.dot(rater_factor, rater_factor), np.dot(item_factor, item_factor)
    if raters > 0 and items > 0:
        scale = (items / raters) ** 0.25
        rater_factor, item_factor = rater_factor * scale, item_factor / scale
    return rater_factor, item_intercept, item_factor


def fit(
    ratings: Ratings, *, notes: int = 0, iterations: int = ITERATIONS, seed: int = 7
) -> Fit:
    """The model's parameters for ``ratings`` (everything zero without any).
    Items ``0 .. notes - 1`` are notes and the rest comments: each kind has
    its own mean, and each rater an intercept for each (how readily one
    upvotes comments says little of how one rates notes), while the factor,
    a rater's side, is one."""
    rng = np.random.default_rng(seed)
    rater_intercept = np.zeros((ratings.raters, 2))
    item_intercept = np.zeros(ratings.items)
    rater_factor = rng.normal(0.0, 0.1, ratings.raters)
    item_factor = np.zeros(ratings.items)
    mu = np.zeros(2)
    if not len(ratings.value):
        return Fit(mu, rater_intercept, rater_factor * 0, item_intercept, item_factor)
    u, n, v, w = ratings.rater, ratings.item, ratings.value, ratings.weight
    group = (n >= notes).astype(np.int64)

    def means(values: Floats) -> Floats:
        sums = np.bincount(group, weights=values * w, minlength=2)
        return sums / np.maximum(np.bincount(group, weights=w, minlength=2), 1e-12)

    mu = means(v)
    for _ in range(iterations):
        before = item_intercept
        item_intercept, item_factor = _solve(
            n,
            ratings.items,
            v - mu[group] - rater_intercept[u, group],
            rater_factor[u],
            w,
        )
        rater_intercept, rater_factor = _solve_raters(
            u,
            ratings.raters,
            group,
            v - mu[group] - item_intercept[n],
            item_factor[n],
            w,
        )
        rater_factor, item_intercept, item_factor = _rebalance(
            rater_factor, item_intercept, item_factor
        )
        predicted = (
            rater_intercept[u, group]
            + item_intercept[n]
            + rater_factor[u] * item_factor[n]
        )
        mu = means(v - predicted)
        if np.abs(item_intercept - before).max() < TOLERANCE:
            break
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
    notes: int,
    thresholds: Thresholds | None = None,
) -> list[Verdict]:
    """A verdict for each note: the items ``0 .. notes - 1`` of ``ratings``
    (comments, if any, are the items after them)."""
    limits = thresholds or Thresholds()
    on_note = ratings.item < notes
    item = ratings.item[on_note]
    factor = fitted.rater_factor[ratings.rater[on_note]]

    def count(mask: NDArray[np.bool_] | None = None) -> Ints:
        chosen = item if mask is None else item[mask]
        return np.bincount(chosen, minlength=notes)[:notes]

    raters = count()
    positive = count(factor > limits.side_margin)
    negative = count(factor < -limits.side_margin)
    intercept = fitted.item_intercept[:notes]
    slope = fitted.item_factor[:notes]
    enough = raters >= limits.min_raters
    helpful = (
        enough
        & (intercept >= limits.show_at)
        & (positive >= limits.min_per_side)
        & (negative >= limits.min_per_side)
    )
    unhelpful = (
        enough
        & ~helpful
        & (intercept <= limits.not_helpful_base - limits.not_helpful_slope * abs(slope))
    )
    status = np.where(helpful, HELPFUL, np.where(unhelpful, NOT_HELPFUL, NEEDS_MORE))
    return [
        Verdict(str(s), float(i), float(f), int(r), int(p), int(n))
        for s, i, f, r, p, n in zip(
            status.tolist(),
            intercept.tolist(),
            slope.tolist(),
            raters.tolist(),
            positive.tolist(),
            negative.tolist(),
            strict=True,
        )
    ]


def agreement(ratings: Ratings, decided: list[Verdict], *, minimum: int = 3) -> Floats:
    """Each rater's share of ratings that matched a decided note's final
    status (helpful rated helpful or somewhat, not helpful rated not), NaN
    for raters with fewer than ``minimum`` such ratings: the published
    algorithm's rater helpfulness, which brigades score low on."""
    notes = len(decided)
    status = np.array([v.status for v in decided] + [NEEDS_MORE])
    on_note = np.minimum(ratings.item, notes)  # comments: "needs more"
    outcome = status[on_note]
    counted = (outcome == HELPFUL) | (outcome == NOT_HELPFUL)
    agreed = counted & ((ratings.value >= 0.5) == (outcome == HELPFUL))
    total = np.bincount(ratings.rater[counted], minlength=ratings.raters)
    hits = np.bincount(ratings.rater[agreed], minlength=ratings.raters)
    share = np.full(ratings.raters, np.nan)
    sure = total >= minimum
    share[sure] = hits[sure] / total[sure]
    return share


# A rater whose decided ratings mostly went against the outcome (published:
# the rater helpfulness filter) counts for this much in the second round.
DISAGREEING_WEIGHT = 0.2
DISAGREEING_BELOW = 0.66


@dataclass(frozen=True)
class Outcome:
    verdicts: list[Verdict]  # one per note, in item order
    fit: Fit  # the second round's


def score(
    data: Ratings,
    notes: int,
    *,
    thresholds: Thresholds | None = None,
    disagreeing_weight: float | None = None,
) -> Outcome:
    """Two rounds: fit and decide; then fit again with the note ratings of
    raters who went against the first round's outcomes weighing
    ``disagreeing_weight`` (their comment votes still place them on the
    factor), and decide again. Notes are items ``0 .. notes - 1``."""
    if disagreeing_weight is None:
        disagreeing_weight = DISAGREEING_WEIGHT
    first = verdicts(fit(data, notes=notes), data, notes, thresholds)
    share = agreement(data, first)
    against = np.nan_to_num(share, nan=1.0) < DISAGREEING_BELOW
    weight = np.where(
        against[data.rater] & (data.item < notes),
        data.weight * disagreeing_weight,
        data.weight,
    )
    second = Ratings(data.rater, data.item, data.value, weight, data.raters, data.items)
    fitted = fit(second, notes=notes)
    return Outcome(verdicts(fitted, second, notes, thresholds), fitted)
