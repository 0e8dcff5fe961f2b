"""A simulated community for ``make eval-notes``: two camps of members with
opposing viewpoints who vote on comments and rate notes with noise, notes
whose truth is known, and a brigade of sock puppets; the bridging scorer
(``bridging.score``) and a plain helpful-ratio baseline are judged on it.

Nothing here is tuned on the scorer's answers: the community's parameters
are set once below, and every seed draws a new one.

The model of a reader: member ``m`` has a viewpoint ``v_m`` (one camp
positive, the other negative, spread within the camp, a few near the
middle). An item (a comment or a note) has a quality ``q`` and a slant
``s``; the member's reaction is ``q + v_m · s + noise``. A comment vote is
up when the reaction is above 0. A note rating is *helpful* above 0.6,
*somewhat* above −0.2, else *not helpful*.

Notes come in three kinds, a third each:
- helpful: high quality, little slant (both camps find them useful);
- partisan: middling quality, a strong slant to one camp or the other;
- poor: low quality, some slant.

The brigade: sock puppets, ``brigade`` of all accounts, new (so they count
as members without standing do), who vote on comments posing as the
majority camp, so that their ratings look like that camp's, and rate the
minority camp's partisan notes helpful and the majority's not helpful.
On each note they target, a ``brigade`` share of its ratings is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dateline.notes import bridging
from dateline.notes.bridging import Floats

MEMBERS = 300
COMMENTS = 400
VOTES_PER_MEMBER = 40
NOTES_PER_KIND = 40
ESTABLISHED = 0.9  # share of real members with standing (full weight)
LOW_STANDING_WEIGHT = 0.5  # as ``scoring.LOW_STANDING_WEIGHT``
HELPFUL_ABOVE, SOMEWHAT_ABOVE = 0.6, -0.2
NOISE = 0.6

KINDS = ("helpful", "partisan", "poor")


@dataclass(frozen=True)
class Case:
    majority: float  # the larger camp's share of members: 0.6 or 0.8
    ratings: int  # ratings per note
    brigade: float  # the sock puppets' share of accounts (and of their notes' ratings)
    prior: bool  # comment votes in the fit
    seed: int


@dataclass(frozen=True)
class Tally:
    """Counts for one scorer on one case."""

    shown: int
    shown_helpful: int
    helpful: int  # notes of the helpful kind
    shown_partisan: int
    partisan: int
    poor_marked: int  # poor notes marked not helpful
    poor: int
    decided_right: int  # helpful shown, poor marked not helpful
    wrong: int  # a partisan or poor note shown, or a helpful one marked not


def _reaction(
    rng: np.random.Generator,
    quality: Floats,
    viewpoint: Floats | float,
    slant: Floats | float,
) -> Floats:
    return quality + viewpoint * slant + rng.normal(0.0, NOISE, np.shape(quality))


def community(case: Case) -> tuple[bridging.Ratings, np.ndarray, int]:
    """The ratings and votes of one simulated community, the notes' kinds
    (item order), and the number of notes (items ``0 .. notes - 1``)."""
    rng = np.random.default_rng(case.seed)
    camp = np.where(rng.random(MEMBERS) < case.majority, 1.0, -1.0)
    viewpoint = camp * rng.uniform(0.3, 1.3, MEMBERS)
    established = rng.random(MEMBERS) < ESTABLISHED
    puppets = round(case.brigade / (1 - case.brigade) * MEMBERS)
    accounts = MEMBERS + puppets

    kind = np.repeat(np.arange(3), NOTES_PER_KIND)
    notes = len(kind)
    side = np.where(rng.random(notes) < 0.5, 1.0, -1.0)
    quality = np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            rng.normal(1.1, 0.2, notes),
            rng.normal(0.1, 0.2, notes),
            rng.normal(-1.0, 0.2, notes),
        ],
    )
    slant = np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            rng.normal(0.0, 0.15, notes),
            side * rng.uniform(1.0, 1.6, notes),
            rng.normal(0.0, 0.4, notes),
        ],
    )
    # The brigade pushes the minority camp's partisan notes and sinks the
    # majority's; the minority camp is -1.
    target = (kind == 1) & (side < 0)
    sunk = (kind == 1) & (side > 0)

    rater: list[np.ndarray] = []
    item: list[np.ndarray] = []
    value: list[np.ndarray] = []
    weight: list[np.ndarray] = []
    for n in range(notes):
        from_brigade = (
            round(case.brigade * case.ratings)
            if puppets and (target[n] or sunk[n])
            else 0
        )
        organic = rng.choice(MEMBERS, case.ratings - from_brigade, replace=False)
        react = _reaction(
            rng, np.full(len(organic), quality[n]), viewpoint[organic], slant[n]
        )
        values = np.where(
            react > HELPFUL_ABOVE, 1.0, np.where(react > SOMEWHAT_ABOVE, 0.5, 0.0)
        )
        weights = np.where(established[organic], 1.0, LOW_STANDING_WEIGHT)
        socks = (
            MEMBERS + rng.choice(puppets, from_brigade, replace=False)
            if from_brigade
            else np.zeros(0, int)
        )
        rater += [organic, socks]
        item += [np.full(len(organic) + len(socks), n)]
        value += [values, np.full(len(socks), 1.0 if target[n] else 0.0)]
        weight += [weights, np.full(len(socks), LOW_STANDING_WEIGHT)]

    if case.prior:
        c_quality = rng.normal(0.0, 0.5, COMMENTS)
        c_slant = rng.normal(0.0, 0.8, COMMENTS)
        # The puppets vote as the majority camp would (a made-up viewpoint).
        poses = np.concatenate([viewpoint, rng.uniform(0.3, 1.3, puppets)])
        for member in range(accounts):
            seen = rng.choice(COMMENTS, VOTES_PER_MEMBER, replace=False)
            react = _reaction(rng, c_quality[seen], poses[member], c_slant[seen])
            rater.append(np.full(len(seen), member))
            item.append(notes + seen)
            value.append((react > 0) * 1.0)
            weight.append(np.ones(len(seen)))

    data = bridging.Ratings(
        rater=np.concatenate(rater).astype(np.int64),
        item=np.concatenate(item).astype(np.int64),
        value=np.concatenate(value),
        weight=np.concatenate(weight),
        raters=accounts,
        items=notes + (COMMENTS if case.prior else 0),
    )
    return data, kind, notes


def _tally(status: list[str], kind: np.ndarray) -> Tally:
    shown = np.array([s == bridging.HELPFUL for s in status])
    marked = np.array([s == bridging.NOT_HELPFUL for s in status])
    helpful, partisan, poor = kind == 0, kind == 1, kind == 2
    return Tally(
        shown=int(shown.sum()),
        shown_helpful=int((shown & helpful).sum()),
        helpful=int(helpful.sum()),
        shown_partisan=int((shown & partisan).sum()),
        partisan=int(partisan.sum()),
        poor_marked=int((marked & poor).sum()),
        poor=int(poor.sum()),
        decided_right=int((shown & helpful).sum() + (marked & poor).sum()),
        wrong=int((shown & ~helpful).sum() + (marked & helpful).sum()),
    )


def ratio_baseline(data: bridging.Ratings, notes: int) -> list[str]:
    """Shown when at least 5 ratings average 0.7 or more (helpful counts 1,
    somewhat ½), not helpful at 0.3 or less: what a site without bridging
    would do, votes counted as they come."""
    on_note = data.item < notes
    item, value = data.item[on_note], data.value[on_note]
    count = np.bincount(item, minlength=notes)
    mean = np.bincount(item, weights=value, minlength=notes) / np.maximum(count, 1)
    return [
        bridging.NEEDS_MORE
        if c < 5
        else bridging.HELPFUL
        if m >= 0.7
        else bridging.NOT_HELPFUL
        if m <= 0.3
        else bridging.NEEDS_MORE
        for c, m in zip(count.tolist(), mean.tolist(), strict=True)
    ]


def judge(case: Case) -> dict[str, Tally]:
    """The bridging scorer's and the baseline's tallies on one community."""
    data, kind, notes = community(case)
    outcome = bridging.score(data, notes)
    return {
        "bridging": _tally([v.status for v in outcome.verdicts], kind),
        "ratio": _tally(ratio_baseline(data, notes), kind),
    }
