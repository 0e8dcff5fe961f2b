"""Seed a site for ``make bench``'s notes phase (``bench/notes.py``):
MEMBERS members in two camps, COMMENTS comments in one thread, VOTES comment
votes and RATINGS ratings of NOTES notes, in bulk (SQL ``executemany``, not
the actions: this measures the scorer, not the seeding). Members vote and
rate as their camp leans, with noise, so the fit has a structure to find.
Once per data directory (later runs only set every note back to "needs
more ratings" and every comment's score to 0, so each measured run is a
first run); prints one JSON object.

Usage: python bench/notes_seed.py MEMBERS COMMENTS VOTES NOTES RATINGS
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

import django

django.setup()

import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dateline.discussion import actions  # noqa: E402
from dateline.discussion.models import Comment, Vote  # noqa: E402
from dateline.notes.models import Note, NoteRating  # noqa: E402

CHUNK = 50_000


def insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our own names
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def pairs(rng: np.random.Generator, count: int, of: int, by: int) -> np.ndarray:
    """``count`` distinct (item, member) pairs, items < ``of``, members < ``by``."""
    chosen = np.unique(rng.integers(0, of * by, int(count * 1.2)))
    rng.shuffle(chosen)
    chosen = chosen[:count]
    return np.stack([chosen // by, chosen % by], axis=1)


@transaction.atomic
def seed(members: int, comments: int, votes: int, notes: int, ratings: int) -> dict:
    rng = np.random.default_rng(48)
    now = timezone.now()
    user = get_user_model()
    user.objects.bulk_create(
        (
            user(username=f"notes-bench-{i}", password="!", date_joined=now)  # noqa: S106 - unusable
            for i in range(members)
        ),
        batch_size=5000,
    )
    member_ids = np.array(
        sorted(
            user.objects.filter(username__startswith="notes-bench-").values_list(
                "pk", flat=True
            )
        )
    )
    camp = np.where(rng.random(members) < 0.6, 1.0, -1.0)
    thread = actions.thread_ensure(
        url="https://bench.example.org/notes", title="Benchmark: context notes"
    )
    Comment.objects.bulk_create(
        (
            Comment(
                thread=thread,
                body=f"Comment {i}",
                body_html=f"<p>Comment {i}</p>",
                status=Comment.Status.PUBLISHED,
                created_at=now,
                published_at=now,
                path=f"{i:010d}",
            )
            for i in range(comments)
        ),
        batch_size=5000,
    )
    comment_ids = np.array(
        sorted(Comment.objects.filter(thread=thread).values_list("pk", flat=True))
    )
    slant = rng.normal(0, 0.8, comments)
    voted = pairs(rng, votes, comments, members)
    up = slant[voted[:, 0]] * camp[voted[:, 1]] + rng.normal(0, 0.6, len(voted)) > 0
    insert(
        Vote._meta.db_table,
        ["comment_id", "voter_id", "value", "created_at"],
        [
            (int(c), int(m), 1 if u else -1, now)
            for c, m, u in zip(
                comment_ids[voted[:, 0]], member_ids[voted[:, 1]], up, strict=True
            )
        ],
    )
    Note.objects.bulk_create(
        (
            Note(
                comment_id=int(comment_ids[i % comments]),
                author_id=int(member_ids[i % members]),
                kind=Note.Kind.MISSING_CONTEXT,
                body=f"Note {i}",
                sources=["https://example.org/source"],
                created_at=now,
            )
            for i in range(notes)
        ),
        batch_size=5000,
    )
    note_ids = np.array(sorted(Note.objects.values_list("pk", flat=True)))[-notes:]
    quality = rng.normal(0, 0.7, notes)
    note_slant = rng.normal(0, 0.8, notes)
    rated = pairs(rng, ratings, notes, members)
    react = (
        quality[rated[:, 0]]
        + note_slant[rated[:, 0]] * camp[rated[:, 1]]
        + rng.normal(0, 0.6, len(rated))
    )
    value = np.where(react > 0.6, 2, np.where(react > -0.2, 1, 0))
    insert(
        NoteRating._meta.db_table,
        ["note_id", "rater_id", "value", "tags", "created_at"],
        [
            (int(n), int(m), int(v), "[]", now)
            for n, m, v in zip(
                note_ids[rated[:, 0]], member_ids[rated[:, 1]], value, strict=True
            )
        ],
    )
    return {"members": members, "votes": len(voted), "ratings": len(rated)}


def main() -> None:
    members, comments, votes, notes, ratings = (int(a) for a in sys.argv[1:6])
    started = time.perf_counter()
    if Note.objects.exists():
        # Every note back to "needs more ratings", so that the measured run
        # changes as many statuses as a first run does (the worst case).
        Note.objects.update(status=Note.Status.NEEDS_MORE, intercept=None)
        Comment.objects.update(common_ground=0.0)
        out = {
            "members": members,
            "votes": Vote.objects.count(),
            "ratings": NoteRating.objects.count(),
        }
    else:
        out = seed(members, comments, votes, notes, ratings)
        out["seed_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
