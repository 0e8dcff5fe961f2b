"""Seed the benchmark's articles and threads through Dateline's own actions.

Creates (once) three articles in the first section of a bootstrapped site:
``bench-200`` (N comments), ``bench-big`` (BIG_N comments) and
``bench-post`` (10 comments, the target of the POST load). Every comment and
vote goes through ``comment_post`` / ``comment_vote``, as an importer's would.
About 20% of comments are replies to an earlier comment, bodies are 50-800
characters of generated text (some with Markdown links and emphasis), writers
are 100 guests and 40 members, and members vote on a third of the comments
of the small thread and a tenth of the big one. Prints one JSON object:
thread ids, article paths, reply targets.

Usage: python bench/seed.py N BIG_N  (with the same environment as the site)

``python bench/seed.py huge N`` seeds ``bench-huge``, a thread of N comments
(a million by default in ``make bench``) through the importers' bulk path
(``discussion/replay.py``) in chunks, minutes instead of hours: guests'
comments, a fifth of them replies within their chunk, with tallies of votes
by nobody in particular.

``python bench/seed.py storm N`` seeds a fresh article of N comments for the
breaking-story scenario (``bench/storm.py``) and signs in 100 members to
vote on it; it prints the thread, its comment ids and the members' session
keys.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dateline.community import tasks as community_tasks  # noqa: E402
from dateline.discussion import actions  # noqa: E402
from dateline.discussion.models import Comment, Thread  # noqa: E402
from dateline.newsroom import actions as newsroom_actions  # noqa: E402
from dateline.newsroom.models import ArticlePage, SectionPage  # noqa: E402

WORDS = (  # noqa: SIM905 - easier to read as prose
    "the council vote bridge river ferry crossing water price report budget "
    "reader source figure map district harbour road closure engineer inspector "
    "minister statement week evening morning question answer evidence claim "
    "numbers survey hospital school tram line station border market fuel "
    "shortage winter power cable repair crew village town city coast north "
    "south east west agree disagree doubt think seems clear unclear fair point "
    "however because although still already never always often perhaps maybe "
    "local national cost delay plan contract tender audit published quoted"
).split()
SOURCES = (
    "https://example.org/report",
    "https://example.net/data/2026",
    "https://example.com/archive/briefing",
)
BATCH = 500


def text(rng: random.Random) -> str:
    target = rng.randint(50, 800)
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(WORDS)
        roll = rng.random()
        if roll < 0.02:
            word = f"*{word}*"
        elif roll < 0.025:
            word = f"[{word}]({rng.choice(SOURCES)})"
        words.append(word)
        length += len(word) + 1
    body = " ".join(words)[:target].strip()
    return body[0].upper() + body[1:] + "."


def members(count: int) -> list[Any]:
    User = get_user_model()
    found = []
    for i in range(count):
        user, _ = User.objects.get_or_create(
            username=f"bench-member-{i:02d}",
            defaults={"email": f"bench-member-{i:02d}@example.invalid"},
        )
        found.append(user)
    return found


def article(slug: str, title: str) -> ArticlePage:
    section = SectionPage.objects.order_by("path").first()
    if section is None:
        sys.exit("bench/seed.py: no section page; run `manage.py bootstrap` first")
    existing = ArticlePage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    page = ArticlePage(
        title=title,
        slug=slug,
        standfirst="A generated article that carries a benchmark thread.",
        dateline_place="Loopback",
        body=[("paragraph", "<p>Generated for the benchmark.</p>")],
    )
    section.add_child(instance=page)
    newsroom_actions.page_publish(page=page)
    return page


def fill(
    thread: Thread, count: int, seed: int, voters: list[Any], vote_share: float
) -> list[int]:
    """Post ``count`` comments (deterministic for ``seed``); returns their ids."""
    rng = random.Random(seed)  # noqa: S311 - reproducible, not secret
    start = timezone.now() - dt.timedelta(minutes=count)
    ids: list[int] = []
    done = 0
    while done < count:
        with transaction.atomic():
            for i in range(done, min(count, done + BATCH)):
                parent = None
                if ids and rng.random() < 0.2:
                    parent = Comment.objects.get(pk=rng.choice(ids))
                writer = rng.randrange(140)
                actor = voters[writer - 100] if writer >= 100 else None
                guest = (
                    None
                    if actor
                    else actions.GuestIdentity(
                        name=f"Reader {writer:02d}",
                        email=f"reader{writer:02d}@example.invalid",
                        key=f"bench-key-{writer:02d}",
                    )
                )
                comment = actions.comment_post(
                    actor=actor,
                    thread=thread,
                    body=text(rng),
                    parent=parent,
                    guest=guest,
                    created_at=start + dt.timedelta(minutes=i),
                    moderate=False,  # history, posted as an importer would
                )
                ids.append(comment.pk)
                if rng.random() < vote_share:
                    for voter in rng.sample(voters, rng.randint(1, 4)):
                        if voter.pk != comment.author_id:
                            actions.comment_vote(
                                actor=voter,
                                comment=comment,
                                value=1 if rng.random() < 0.8 else -1,
                            )
        done = min(count, done + BATCH)
    return ids


def seeded(
    slug: str, title: str, count: int, seed: int, voters: list[Any], vote_share: float
) -> dict[str, Any]:
    """The article ``slug`` with its thread of ``count`` comments, seeded once.

    The posting target grows during the benchmark, so it may hold more.
    """
    page = article(slug, title)
    thread = actions.thread_ensure(article=page)
    started = time.perf_counter()
    if thread.comment_count == 0:
        # Reputation is brought up to date once per member at the end.
        with community_tasks.batched():
            ids = fill(thread, count, seed, voters, vote_share)
    elif thread.comment_count < count or (
        thread.comment_count != count and slug != "bench-post"
    ):
        sys.exit(
            f"bench/seed.py: {slug} already holds {thread.comment_count} comments, "
            f"not {count}; use a fresh database"
        )
    else:
        ids = list(
            Comment.objects.filter(thread=thread)
            .order_by("pk")
            .values_list("pk", flat=True)[:10]
        )
    return {
        "thread": thread.pk,
        "path": page.url,
        "count": count,
        "seed_s": round(time.perf_counter() - started, 1),
        "ids": ids[:10],
    }


def community_history(events: int, seed: int) -> dict[str, Any]:
    """A thread where 200 members write and vote: ``events`` comments and votes.

    Four in ten events are comments (three in ten of them replies), six in ten
    are votes on earlier comments. Reputation is not computed here: the
    rebuild benchmark does that from this history.
    """
    page = article("bench-community", "Benchmark: a community's history")
    thread = actions.thread_ensure(article=page)
    started = time.perf_counter()
    if thread.comment_count == 0:
        rng = random.Random(seed)  # noqa: S311 - reproducible, not secret
        people = members(200)
        ids: list[tuple[int, int]] = []  # (comment id, author id)
        start = timezone.now() - dt.timedelta(days=400)
        done = 0
        with community_tasks.batched() as pending:
            while done < events:
                with transaction.atomic():
                    for i in range(done, min(events, done + BATCH)):
                        if not ids or rng.random() < 0.4:
                            parent = None
                            if ids and rng.random() < 0.3:
                                parent = Comment.objects.get(pk=rng.choice(ids)[0])
                            who = rng.choice(people)
                            comment = actions.comment_post(
                                actor=who,
                                thread=thread,
                                body=text(rng),
                                parent=parent,
                                created_at=start + dt.timedelta(minutes=10 * i),
                                moderate=False,  # history, posted as an importer would
                            )
                            ids.append((comment.pk, who.pk))
                        else:
                            pk, author_id = rng.choice(ids)
                            voter = rng.choice(people)
                            if voter.pk == author_id:
                                continue
                            actions.comment_vote(
                                actor=voter,
                                comment=Comment.objects.get(pk=pk),
                                value=1 if rng.random() < 0.8 else -1,
                            )
                done = min(events, done + BATCH)
            pending.clear()  # left to the rebuild
    return {"thread": thread.pk, "seed_s": round(time.perf_counter() - started, 1)}


def storm(count: int) -> dict[str, Any]:
    """A new article for one storm run, its thread of ``count`` comments, and
    100 signed-in voters (session keys, as a browser's cookie holds them)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    stamp = int(time.time())
    voters = members(40)
    found = seeded(
        f"bench-storm-{stamp}", "Benchmark: a breaking story", count, 45, voters, 0.33
    )
    engine = import_module(settings.SESSION_ENGINE)
    sessions = []
    User = get_user_model()
    for i in range(100):
        user, _ = User.objects.get_or_create(
            username=f"bench-voter-{i:03d}",
            defaults={"email": f"bench-voter-{i:03d}@example.invalid"},
        )
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    found["ids"] = list(
        Comment.objects.filter(thread_id=found["thread"]).values_list("pk", flat=True)
    )
    found["sessions"] = sessions
    found["session_cookie"] = settings.SESSION_COOKIE_NAME
    found["csrf_cookie"] = settings.CSRF_COOKIE_NAME
    return found


def huge(count: int, seed: int = 46, chunk: int = 20_000) -> dict[str, Any]:
    from dateline.discussion import replay

    page = article("bench-huge", f"Benchmark: {count} comments")
    thread = actions.thread_ensure(article=page)
    started = time.perf_counter()
    if thread.comment_count == 0:
        rng = random.Random(seed)  # noqa: S311 - reproducible, not secret
        start = timezone.now() - dt.timedelta(seconds=count)
        done = 0
        while done < count:
            size = min(chunk, count - done)
            past = []
            for i in range(size):
                writer = rng.randrange(500)
                past.append(
                    replay.Past(
                        body=text(rng),
                        created_at=start + dt.timedelta(seconds=done + i),
                        guest=actions.GuestIdentity(
                            name=f"Reader {writer:03d}", key=f"bench-huge-{writer}"
                        ),
                        parent=rng.randrange(i) if i and rng.random() < 0.2 else None,
                        tally=(rng.randrange(6), rng.randrange(3)),
                    )
                )
            with transaction.atomic():
                results = replay.comments_replay(thread=thread, past=past)
            failed = [r.error for r in results if r.error]
            if failed:
                sys.exit(f"bench/seed.py: the replay refused comments: {failed[:3]}")
            done += size
            print(f"seeded {done} of {count}", file=sys.stderr, flush=True)
        thread.refresh_from_db()
    if thread.comment_count != count:
        sys.exit(
            f"bench/seed.py: bench-huge holds {thread.comment_count} comments, "
            f"not {count}; use a fresh database"
        )
    return {
        "thread": thread.pk,
        "path": page.url,
        "count": count,
        "seed_s": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    if sys.argv[1] == "huge":
        print(json.dumps(huge(int(sys.argv[2]))))
        return
    if sys.argv[1] == "storm":
        print(json.dumps(storm(int(sys.argv[2]))))
        return
    n, big_n = (int(arg) for arg in sys.argv[1:3])
    community_events = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    voters = members(40)
    out = {
        "small": seeded("bench-200", f"Benchmark: {n} comments", n, 42, voters, 0.33),
        "big": seeded(
            "bench-big", f"Benchmark: {big_n} comments", big_n, 43, voters, 0.1
        ),
        "post": seeded("bench-post", "Benchmark: posting", 10, 7, voters, 0),
    }
    if community_events:
        out["community"] = community_history(community_events, 44)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
