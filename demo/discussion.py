"""Demo discussions under the demo articles: original text, posted through the actions.

Every comment, reply and vote goes through ``comment_post`` / ``comment_vote``
exactly as a reader's would. Threads that already have comments are left
alone, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from dateline.core.group_permissions import (
    MODERATOR_PERMISSIONS,
    MODERATORS,
    ensure_group,
)
from dateline.discussion import actions
from dateline.discussion.models import Comment, Vote
from demo import discussion_archive
from demo.moderation import load_queue_examples
from demo.notes import load_demo_notes

# username -> (full name, group)
MEMBERS: dict[str, tuple[str, str | None]] = {
    "ida.marlow": ("Ida Marlow", None),
    "tomas.reyes": ("Tomás Reyes Holt", None),
    "nadia.k": ("Nadia Karam", None),
    "old_cartographer": ("", None),
    "petrov_w": ("Walt Petrov", None),
    "junebug": ("", None),
    "harbourlight": ("", None),
    "s.osei": ("Sam Osei", "Moderators"),
    "desk.editor": ("Mara Lind", "Editors"),
    "quietreader": ("", None),
}
AUTHOR_ACCOUNTS = {"ida-marlow": "ida.marlow", "tomas-reyes-holt": "tomas.reyes"}

LONG_ANALYSIS = (
    "A few things from the map that the piece only hints at.\n\n"
    "The substation that went down feeds the pumping station on the ridge as "
    "well as the southern suburbs. If it stays dark for more than two days, "
    "the problem stops being light and heating and becomes water pressure in "
    "every building above the third floor. That is the part people tend to "
    "underestimate, because the generators everyone queues for do nothing for "
    "the mains.\n\n"
    "Second, the two fuel depots were not chosen at random. Together they held "
    "most of the diesel that the hospitals on the eastern side draw on. The "
    "article is careful not to assign blame, and I think that is right, but "
    "whoever fired knew what those tanks were for.\n\n"
    "Third, look at the timing. The strikes came in the hour before the "
    "overnight shift change at the grid control room, which is when repair "
    "crews are thinnest. That suggests planning rather than a stray salvo.\n\n"
    "None of this tells us who fired. It does tell us the damage will outlast "
    "the news cycle, and that the repair estimate of 'a few days' quoted by "
    "the utility is optimistic unless spare transformers are already in the "
    "country. I would love a follow-up on exactly that question."
)

# Each thread: (key, parent key, writer, text, minutes after publication,
# voters up, voters down). A writer starting with "guest:" posts as a guest.
THREADS: dict[
    str, list[tuple[str, str | None, str, str, int, list[str], list[str]]]
] = {
    "night-of-strikes-leaves-southern-suburbs-dark": [
        (
            "a1",
            None,
            "old_cartographer",
            LONG_ANALYSIS,
            14,
            ["nadia.k", "petrov_w", "junebug", "harbourlight", "quietreader", "s.osei"],
            [],
        ),
        (
            "a2",
            "a1",
            "ida.marlow",
            "Thank you, this is exactly the follow-up I am chasing. The utility "
            "would not say on the record whether spare transformers are in the "
            "country. I will report back when they do.",
            31,
            ["old_cartographer", "nadia.k", "junebug"],
            [],
        ),
        (
            "a3",
            "a2",
            "old_cartographer",
            "Appreciated. If it helps, the grid operator's annual report lists "
            "its reserve equipment; the 2024 edition is public.",
            40,
            ["ida.marlow"],
            [],
        ),
        (
            "a4",
            "a3",
            "petrov_w",
            "That report is two years old. A lot of that reserve went north "
            "after last winter.",
            52,
            ["old_cartographer"],
            [],
        ),
        (
            "a5",
            "a4",
            "old_cartographer",
            "Fair point, which makes the 'few days' estimate even less likely.",
            58,
            [],
            [],
        ),
        (
            "a6",
            "a5",
            "junebug",
            "So we are talking weeks. My parents are on the ninth floor up there. "
            "Water is already down to a trickle this morning.",
            66,
            ["nadia.k", "quietreader"],
            [],
        ),
        (
            "b1",
            None,
            "guest:Rafi",
            "We lost power at 22:40 and the building shook twice before that. "
            "Everyone on our street is fine. Thank you for reporting what is "
            "actually happening instead of guessing.",
            22,
            ["nadia.k", "junebug", "harbourlight"],
            [],
        ),
        (
            "b2",
            "b1",
            "nadia.k",
            "Glad your street is safe. Is the bakery on the corner still running "
            "its generator? People were saying it charges phones for free.",
            35,
            [],
            [],
        ),
        (
            "b3",
            "b2",
            "guest:Rafi",
            "It is, until the diesel runs out. They have a queue halfway round "
            "the block.",
            44,
            ["nadia.k"],
            [],
        ),
        (
            "c1",
            None,
            "petrov_w",
            "Both sides blaming each other is the least surprising line in the "
            "story. I would rather read the monitors' assessment when it is out "
            "than any statement from either ministry.",
            18,
            ["harbourlight"],
            ["junebug"],
        ),
        (
            "c2",
            "c1",
            "harbourlight",
            "Agreed, though the monitors have been slow all year. A week from "
            "now nobody will be reading.",
            27,
            [],
            [],
        ),
        (
            "c3",
            "c1",
            "s.osei",
            "A reminder to keep this about the events and not about each other. "
            "Disagreement is welcome; name-calling is not.",
            39,
            ["ida.marlow", "quietreader"],
            [],
        ),
        (
            "d1",
            None,
            "quietreader",
            "Does anyone know if the night buses are running on the southern "
            "line? The transport site has not been updated since yesterday.",
            75,
            [],
            [],
        ),
        (
            "d2",
            "d1",
            "guest:M. from the ridge",
            "They ran until midnight, then stopped at the river. Shuttle vans "
            "are going from the old market instead.",
            83,
            ["quietreader"],
            [],
        ),
    ],
    "ceasefire-monitors-report-first-breach-river-line": [
        (
            "a1",
            None,
            "petrov_w",
            "First breach after eleven days is, honestly, longer than I expected "
            "it to hold. The question is whether either side answers it.",
            12,
            ["old_cartographer", "nadia.k"],
            [],
        ),
        (
            "a2",
            "a1",
            "old_cartographer",
            "The river line is the easiest place for a 'misunderstanding'. The "
            "crossings are 300 metres apart in places.",
            25,
            ["petrov_w"],
            [],
        ),
        (
            "a3",
            "a1",
            "tomas.reyes",
            "The monitors told me the same: they count it as one breach, not a "
            "pattern, for now. Their next report is due Thursday.",
            33,
            ["petrov_w", "nadia.k", "quietreader"],
            [],
        ),
        (
            "b1",
            None,
            "junebug",
            "Every ceasefire story reads the same and every one ends the same. "
            "Forgive me for not celebrating eleven days.",
            20,
            ["harbourlight"],
            ["nadia.k"],
        ),
        (
            "b2",
            "b1",
            "nadia.k",
            "Eleven days is eleven nights people slept. I will take it.",
            29,
            ["quietreader", "tomas.reyes", "s.osei"],
            [],
        ),
    ],
    "aid-convoy-waits-at-the-crossing": [
        (
            "a1",
            None,
            "harbourlight",
            "Forty trucks and the talk is still about paperwork. Whoever is "
            "holding this up should have to explain it in public.",
            16,
            ["nadia.k", "junebug"],
            [],
        ),
        (
            "a2",
            "a1",
            "guest:Field nurse",
            "The paperwork is real, for what it is worth: each truck needs a "
            "signed manifest on both sides. The problem is only one officer is "
            "signing.",
            28,
            ["harbourlight", "old_cartographer"],
            [],
        ),
        (
            "a3",
            "a2",
            "ida.marlow",
            "That matches what two drivers told me. One officer, one stamp, and "
            "a shift that ends at four.",
            37,
            ["harbourlight"],
            [],
        ),
    ],
    "coalition-talks-collapse-over-defence-budget": [
        (
            "a1",
            None,
            "desk.editor",
            "We have updated the piece with the finance minister's statement "
            "from this evening. Thanks to the readers who flagged the wrong "
            "figure in the first version.",
            45,
            ["quietreader"],
            [],
        ),
        (
            "b1",
            None,
            "petrov_w",
            "Two percent was never the real fight. The fight is over who gets "
            "the contracts once the money is there.",
            12,
            ["harbourlight"],
            ["junebug", "nadia.k"],
        ),
        (
            "b2",
            "b1",
            "junebug",
            "Or it is just about two percent, because that is what a budget "
            "is. Not everything is a scheme.",
            20,
            ["nadia.k"],
            [],
        ),
        (
            "b3",
            "b2",
            "petrov_w",
            "Fair. I have watched three of these talks fall apart on the same "
            "line item, so I am cynical. Happy to be wrong.",
            26,
            ["junebug"],
            [],
        ),
    ],
    "senate-committee-advances-sanctions-bill": [
        (
            "a1",
            None,
            "nadia.k",
            "Does the bill cover the shipping registries or only the banks? "
            "The article mentions both but the summary only lists the banks.",
            30,
            [],
            [],
        ),
        (
            "a2",
            "a1",
            "tomas.reyes",
            "Both, in the committee text. The registries are in section 4; the "
            "summary the committee released leaves them out. We will clarify.",
            41,
            ["nadia.k", "desk.editor"],
            [],
        ),
    ],
    "opposition-wins-mayoral-races-on-promise-of-calm": [
        (
            "a1",
            None,
            "guest:Lena",
            "Calm is a strange thing to campaign on, and apparently a winning one.",
            10,
            [],
            [],
        ),
        (
            "a2",
            "a1",
            "harbourlight",
            "After the year these towns had, calm sounds like luxury.",
            21,
            ["quietreader"],
            [],
        ),
    ],
}


def _group(name: str) -> Any:
    if name == MODERATORS:
        return ensure_group(name, MODERATOR_PERMISSIONS)
    return Group.objects.get_or_create(name=name)[0]


def member_ensure(username: str, full_name: str) -> Any:
    """A demo reader's account (made once, with no usable password)."""
    first, _sep, last = full_name.partition(" ")
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username.replace('_', '.')}@demo.invalid",
            "first_name": first,
            "last_name": last,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _members() -> dict[str, Any]:
    users: dict[str, Any] = {}
    for username, (full_name, group) in MEMBERS.items():
        user = member_ensure(username, full_name)
        if group:
            user.groups.add(_group(group))
        users[username] = user
    return users


def load_demo_threads(
    articles: dict[str, Any],
    authors: dict[str, Any],
    archive: list[tuple[Any, dict[str, Any]]] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Post the demo discussions; returns how many comments were created.

    The archive's discussions (oldest first) come before the front page's.
    Everything is dated before ``now`` (default: the clock).
    """
    # The front page's threads first: thread 1 is the lead story's, as the
    # tests and a reader trying the API would expect.
    for article in articles.values():
        actions.thread_ensure(article=article)
    users = _members()
    created = discussion_archive.post_archive(archive or [], now)
    created += _post_demo_threads(articles, authors, users)
    created += load_queue_examples(articles, users, now)
    load_demo_notes(articles, users)
    _analyze()
    return created


def _analyze() -> None:
    """Give PostgreSQL's planner statistics for the rows just loaded.

    The demo loads in one transaction, which autovacuum cannot see; without
    statistics the planner took seconds per member's history query.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (Comment, Vote, get_user_model())
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _post_demo_threads(
    articles: dict[str, Any], authors: dict[str, Any], users: dict[str, Any]
) -> int:
    for slug, username in AUTHOR_ACCOUNTS.items():
        author = authors.get(slug)
        if author is not None and author.user_id is None:
            author.user = users[username]
            author.save(update_fields=["user"])
    created = 0
    for slug, specs in THREADS.items():
        article = articles.get(slug)
        if article is None:
            continue
        thread = actions.thread_ensure(article=article)
        if Comment.objects.filter(thread=thread).exists():
            continue
        published = article.first_published_at or article.last_published_at
        posted: dict[str, Comment] = {}
        for key, parent_key, writer, text, minutes, ups, downs in specs:
            when = published + dt.timedelta(minutes=minutes) if published else None
            guest = None
            actor = None
            if writer.startswith("guest:"):
                guest = actions.GuestIdentity(name=writer.removeprefix("guest:"))
            else:
                actor = users[writer]
            comment = actions.comment_post(
                actor=actor,
                thread=thread,
                body=text,
                parent=posted[parent_key] if parent_key else None,
                guest=guest,
                created_at=when,
                moderate=False,  # history, posted as an importer would
            )
            posted[key] = comment
            created += 1
            for voter, value in [(u, 1) for u in ups] + [(u, -1) for u in downs]:
                if voter in users:
                    actions.comment_vote(
                        actor=users[voter], comment=comment, value=value
                    )
    return created
