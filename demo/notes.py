"""The demo's context notes: written and rated through the notes' actions,
then scored by the bridging scorer, as a site's would be. Nothing about a
note's status is set here: the lead story's note is shown because readers
on both sides of the demo's disagreements rated it helpful, and the note on
a comment waits for more ratings because only two readers have rated it.

Where readers stand comes from their ratings of the politics stories'
notes: two loose camps, each rating the other's partisan notes down, with
a few ratings against their camp, as real readers are not so tidy.
"""

from __future__ import annotations

from typing import Any

from dateline.discussion.models import Comment
from dateline.notes import actions, scoring
from dateline.notes.models import Note

# Readers who joined to rate notes (besides the regulars of the threads).
RATERS = {
    "birch.lane": "Birch Lane",
    "m.okonkwo": "Mercy Okonkwo",
    "ferrante": "",
    "sol_y": "Sol Yanez",
    "kestrel": "",
    "j.lindqvist": "Jonas Lindqvist",
    "ottoline": "",
    "ravi.p": "Ravi Pillai",
}
CAMP_A = ["nadia.k", "junebug", "quietreader", "birch.lane"]
CAMP_A += ["m.okonkwo", "ferrante", "sol_y"]
CAMP_B = ["petrov_w", "harbourlight", "old_cartographer", "kestrel"]
CAMP_B += ["j.lindqvist", "ottoline", "ravi.p"]

GRID_REPORT = "https://grid-operator.example/reports/annual-2024#reserve"

# (article slug, writer, kind, text, sources, which camp likes it: "A", "B",
# "both" or "neither")
NOTES: list[tuple[str, str, str, str, list[str], str]] = [
    (
        "night-of-strikes-leaves-southern-suburbs-dark",
        "old_cartographer",
        Note.Kind.MISSING_CONTEXT,
        "The utility's estimate of 'a few days' assumes spare transformers "
        "are in the country. The grid operator's reserve list for 2024 is "
        "public, and the operator said in March that part of that reserve "
        "was lent to the northern network after last winter.",
        [GRID_REPORT, "https://grid-operator.example/news/2026-03-reserve-loan"],
        "both",
    ),
    (
        "night-of-strikes-leaves-southern-suburbs-dark",
        "ferrante",
        Note.Kind.FACTUAL_ERROR,
        "The blackout was planned by the utility to cut costs; the strikes "
        "are a cover story.",
        ["https://forum.example.net/t/blackout-truth"],
        "neither",
    ),
    (
        "aid-convoy-waits-at-the-crossing",
        "kestrel",
        Note.Kind.FACTUAL_ERROR,
        "Everyone knows the convoy carries more than food.",
        ["https://forum.example.net/t/convoy"],
        "neither",
    ),
    (
        "coalition-talks-collapse-over-defence-budget",
        "m.okonkwo",
        Note.Kind.MISLEADING,
        "The budget dispute was pushed by ministers with ties to the firms "
        "bidding for the new contracts.",
        ["https://opinion.example.org/who-gains-from-two-percent"],
        "A",
    ),
    (
        "coalition-talks-collapse-over-defence-budget",
        "kestrel",
        Note.Kind.MISSING_CONTEXT,
        "Every coalition party signed the two-percent target in its 2024 "
        "programme; only one of them walked away from it.",
        ["https://opinion.example.com/two-percent-was-agreed"],
        "B",
    ),
    (
        "senate-committee-advances-sanctions-bill",
        "sol_y",
        Note.Kind.MISLEADING,
        "The bill leaves out the shipping registries that matter most.",
        ["https://opinion.example.org/registries-loophole"],
        "A",
    ),
    (
        "senate-committee-advances-sanctions-bill",
        "ravi.p",
        Note.Kind.MISSING_CONTEXT,
        "Sanctions of this kind have not changed a government's course in "
        "the last twenty years.",
        ["https://opinion.example.com/sanctions-never-work"],
        "B",
    ),
    (
        "opposition-wins-mayoral-races-on-promise-of-calm",
        "birch.lane",
        Note.Kind.MISLEADING,
        "The winning party ran on calm, but its own activists started last "
        "spring's unrest.",
        ["https://opinion.example.org/calm-after-whose-storm"],
        "A",
    ),
    (
        "opposition-wins-mayoral-races-on-promise-of-calm",
        "j.lindqvist",
        Note.Kind.MISSING_CONTEXT,
        "Turnout was the lowest in twenty years: the new mayors have no "
        "mandate to speak of.",
        ["https://opinion.example.com/turnout-mandate"],
        "B",
    ),
]
# Ratings against the camp's line: (rater, note index, value).
STRAYS = [("quietreader", 4, 1), ("harbourlight", 3, 1), ("ferrante", 8, 1)]
# Helpful, but only "somewhat" for these readers.
LUKEWARM = {("junebug", 0), ("ottoline", 0)}


def _members(users: dict[str, Any]) -> dict[str, Any]:
    from demo.discussion import member_ensure

    found = dict(users)
    for username, full_name in RATERS.items():
        found[username] = member_ensure(username, full_name)
    return found


def _value(rater: str, index: int, liked_by: str) -> int:
    camp = "A" if rater in CAMP_A else "B"
    for stray, note, value in STRAYS:
        if (stray, index) == (rater, note):
            return value
    if liked_by == "both":
        return 1 if (rater, index) in LUKEWARM else 2
    return 2 if liked_by == camp else 0


def load_demo_notes(articles: dict[str, Any], users: dict[str, Any]) -> int:
    """Write, rate and score the demo's notes (once); how many were written."""
    if Note.objects.exists():
        return 0
    users = _members(users)
    written: list[Note] = []
    for slug, writer, kind, text, sources, _liked in NOTES:
        article = articles.get(slug)
        if article is None:
            continue
        written.append(
            actions.note_write(
                actor=users[writer],
                kind=kind,
                body=text,
                sources=sources,
                article=article,
            )
        )
    for index, (note, spec) in enumerate(zip(written, NOTES, strict=False)):
        for rater in CAMP_A + CAMP_B:
            if users[rater].pk != note.author_id:
                actions.note_rate(
                    actor=users[rater], note=note, value=_value(rater, index, spec[5])
                )
    # A note on a comment that only two readers have rated so far.
    claim = Comment.objects.filter(
        thread__article=articles.get("night-of-strikes-leaves-southern-suburbs-dark"),
        body__startswith="Both sides blaming each other",
    ).first()
    if claim is not None:
        pending = actions.note_write(
            actor=users["nadia.k"],
            kind=Note.Kind.MISSING_CONTEXT,
            body="The monitors published a first assessment the morning after "
            "the strikes. It describes the damage and does not name a side.",
            sources=["https://monitors.example.org/assessments/southern-grid-1"],
            comment=claim,
        )
        written.append(pending)
        for rater in ("harbourlight", "ravi.p"):
            actions.note_rate(actor=users[rater], note=pending, value=2)
    scoring.run()
    return len(written)
