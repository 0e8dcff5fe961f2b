"""The demo's back catalogue of discussion: two years of a community's history.

The discussions under the demo's archive articles (``newsroom/demo/archive``)
are generated, with a fixed seed, from sentences written here, and posted,
voted on and moderated through the same actions as a reader's, at the times
they would have happened. The ranks and badges the demo shows are earned
from this history by the community app; nothing about them is set by hand.

Who writes how much is what makes the ladder visible: ``old_cartographer``
is the thread's veteran (Master), ``nadia.k`` and ``petrov_w`` are long-time
regulars, newer members arrive over the two years and some of them are
welcomed by a regular (Rookie Mentor), and one hothead has comments removed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from dateline.discussion import actions
from dateline.discussion.models import Comment, Thread

SEED = 20241124

# username -> (full name, share of the comments, upvotes each comment draws)
VOICES: dict[str, tuple[str, float, float]] = {
    "old_cartographer": ("", 0.27, 5.5),
    "nadia.k": ("Nadia Karam", 0.15, 3.5),
    "petrov_w": ("Walt Petrov", 0.09, 2.5),
    "harbourlight": ("", 0.03, 2.0),
    "junebug": ("", 0.01, 1.5),
}
# Members who arrive during the archive: (username, full name, share, upvotes).
NEWER: list[tuple[str, str, float, float]] = [
    ("lena.brandt", "Lena Brandt", 0.035, 1.5),
    ("kofi_a", "Kofi Asante", 0.03, 1.4),
    ("marisol.v", "Marisol Vega", 0.03, 1.3),
    ("ruth.okafor", "Ruth Okafor", 0.025, 1.2),
    ("benedek", "", 0.025, 1.0),
    ("tariq.h", "Tariq Haddad", 0.025, 1.2),
    ("ines_m", "", 0.02, 1.0),
    ("yusuf.d", "Yusuf Demir", 0.02, 1.0),
    ("aline.c", "Aline Costa", 0.02, 1.1),
    ("pieter.v", "Pieter Vos", 0.02, 0.9),
    ("hana.s", "Hana Sato", 0.015, 1.0),
    ("gwen_r", "", 0.015, 0.8),
    ("duarte.f", "Duarte Ferreira", 0.015, 0.9),
    ("olga.m", "Olga Marek", 0.015, 0.8),
    ("felix.n", "Felix Novak", 0.01, 0.7),
    ("amara.j", "Amara Jallow", 0.01, 0.8),
    ("nordwind", "", 0.01, 0.6),
    ("carla.b", "Carla Bianchi", 0.01, 0.7),
    ("loud_and_right", "", 0.02, 0.3),
]
HOTHEAD = "loud_and_right"
MENTORS = ["old_cartographer", "nadia.k", "petrov_w", "harbourlight"]
MODERATOR = "s.osei"

OPENERS = [
    "I read this twice and the part about {thing} still bothers me.",
    "Good to see {thing} covered at all; most outlets skipped it.",
    "Nobody seems to ask what {figure} was based on.",
    "Having lived near {place} for years, this matches what neighbours say.",
    "The detail about {who} in the second paragraph is the real story here.",
    "This is the first clear account of {thing} I have found.",
    "A small correction, or at least a question: {figure} looks low to me.",
    "I keep coming back to {place}.",
    "Whatever you think of {who}, {thing} was always going to be hard.",
    "Worth saying plainly: {thing} affects people long after the headlines.",
    "Honest question for anyone who follows this closely: who checks {figure}?",
    "The article is fair to {who}, maybe fairer than they deserve.",
]
MIDDLES = [
    "Every time this comes up, {who} promises a date and the date slips.",
    "If {figure} holds, the next step matters more than this one.",
    "{place} have been patched up so many times that nobody knows what is original.",
    "I would like to see the paperwork behind {thing}, not another statement.",
    "The people in {place} planned around the first promise and are paying for "
    "the second.",
    "It is possible to criticise {who} and still admit they inherited the problem.",
    "There is a pattern here: announcements on Thursday, details never.",
    "Compare it with the last time; the numbers then were just as confident.",
    "Nothing in the piece suggests bad faith, only bad planning.",
    "The cost of waiting never appears in anyone's estimate.",
    "I doubt {figure} survives contact with the first real problem.",
    "The quiet part is that {thing} depends on people outside the country.",
    "Local reporting like this is the only way most of us hear about {place}.",
    "What worries me is the knock-on effect on everything downstream.",
    "My guess is that {who} know more than they are saying, and for once that "
    "may be wise.",
    "The map tells you more than the quotes do: distance is the whole problem.",
    "It would help to know who signed off on {thing} and when.",
    "I have seen the same thing play out twice before, and both times it ended "
    "in a shrug.",
]
CLOSERS = [
    "Would read a follow-up on this.",
    "Thanks for keeping at it.",
    "I hope someone asks again in a month.",
    "Curious whether others see it differently.",
    "Time will tell, as usual.",
    "Please keep the numbers coming.",
    "Until then, I am not holding my breath.",
    "That is the question I would put to them.",
]
REPLIES = [
    "Fair point, {name}, though I read {figure} the other way.",
    "{name}, I think you are right about {who}, but not about the timing.",
    "Agree with {name}. The paperwork would settle it.",
    "Not sure I follow, {name}: are you saying {thing} was never realistic?",
    "{name} has it. People forget {place} when the cameras leave.",
    "I see why you say that, {name}, but the article gives a different reason.",
    "Thanks {name}, that is useful context I did not have.",
    "Respectfully, {name}, the record on {thing} is more mixed than that.",
    "Same experience here, {name}.",
    "{name}, do you have a source for that? Genuinely asking.",
]
WELCOMES = [
    "Welcome, {name}. Good first comment; the question about {thing} is the right one.",
    "Glad you joined, {name}. You are not the only one asking about {figure}.",
    "Welcome to the thread, {name}. For background on {place}, the earlier "
    "pieces are worth a look.",
    "Good to have you here, {name}. Stick around; these threads are usually civil.",
]
THANKS = [
    "Thanks for the welcome! I have been reading for a while.",
    "Thank you, I will look for the earlier pieces.",
    "Appreciated. Long-time reader, first time writing.",
]
SOURCES = [
    ("the operator's annual report", "https://example.org/annual-report"),
    ("the published figures", "https://example.org/figures"),
    ("the council minutes", "https://example.net/minutes"),
    ("the agency's own data", "https://example.com/data"),
    ("the ministry's statement", "https://example.org/statement"),
]
SOURCED = [
    "The numbers are in [{label}]({url}), for anyone who wants to check.",
    "See [{label}]({url}); it tells a slightly different story.",
    "Worth reading [{label}]({url}) next to this article.",
]
HOTHEAD_LINES = [
    "Anyone who still believes {who} is either paid or a fool.",
    "Typical. The people running {thing} are clowns and so is everyone defending them.",
    "Spare me the analysis; they are liars, all of them, and you lot lap it up.",
]


def _fill(template: str, topic: dict[str, str], **extra: str) -> str:
    text = template.format(**topic, **extra)
    return text[0].upper() + text[1:]


def _text(rng: random.Random, topic: dict[str, str], long: bool) -> str:
    sentences = [_fill(rng.choice(OPENERS), topic)]
    for template in rng.sample(MIDDLES, rng.randint(2, 4) if long else 1):
        sentences.append(_fill(template, topic))
    if rng.random() < 0.08:
        label, url = rng.choice(SOURCES)
        sentences.append(rng.choice(SOURCED).format(label=label, url=url))
    if rng.random() < 0.5:
        sentences.append(rng.choice(CLOSERS))
    if long and len(sentences) > 3 and rng.random() < 0.5:
        return " ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:])
    return " ".join(sentences)


def _members() -> dict[str, Any]:
    """The archive's writers (the demo's regulars exist already)."""
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[*VOICES, *(n[0] for n in NEWER), MODERATOR]
        )
    }
    for username, full_name, _share, _up in NEWER:
        if username in users:
            continue
        first, _sep, last = full_name.partition(" ")
        user = User(
            username=username,
            email=f"{username.replace('_', '.')}@demo.invalid",
            first_name=first,
            last_name=last,
        )
        user.set_unusable_password()
        user.save()
        users[username] = user
    return users


def post_archive(
    articles: list[tuple[Any, dict[str, Any]]], now: dt.datetime | None = None
) -> int:
    """Post the discussion under each (article, spec) whose thread is empty.

    Articles come oldest first; returns how many comments were created. No
    comment is dated after ``now`` (default: the clock).
    """
    rng = random.Random(SEED)  # noqa: S311 - reproducible, not secret
    users = _members()
    now = now or timezone.now()
    # Newer members join one after another across the archive's span.
    joins = {name: i / len(NEWER) for i, (name, *_rest) in enumerate(NEWER)}
    writers = {
        name: (share, up)
        for name, (_full, share, up) in VOICES.items()
        if name in users
    }
    created = 0
    for position, (article, spec) in enumerate(articles):
        thread = actions.thread_ensure(article=article)
        if Comment.objects.filter(thread=thread).exists():
            continue
        progress = position / max(1, len(articles) - 1)
        for name, _full, share, up in NEWER:
            if joins[name] <= progress:
                writers[name] = (share, up)
        created += _post_thread(
            rng, thread, article, spec, users, writers, now, progress
        )
    return created


def _post_thread(
    rng: random.Random,
    thread: Thread,
    article: Any,
    spec: dict[str, Any],
    users: dict[str, Any],
    writers: dict[str, tuple[float, float]],
    now: dt.datetime,
    progress: float,
) -> int:
    topic: dict[str, str] = spec["topic"]
    start = article.first_published_at
    names = list(writers)
    weights = [writers[n][0] for n in names]
    posted: list[tuple[Comment, str]] = []
    have_written = set(
        Comment.objects.filter(author__username__in=names)
        .values_list("author__username", flat=True)
        .distinct()
    )
    removed = 0

    def when(hours: float) -> dt.datetime:
        return min(start + dt.timedelta(hours=hours), now - dt.timedelta(minutes=5))

    def vote(comment: Comment, writer: str, expected: float, hours: float) -> None:
        count = min(len(names) - 1, max(0, round(rng.gauss(expected, 1.2))))
        voters = [n for n in rng.sample(names, count + 1) if n != writer][:count]
        for voter in voters:
            actions.comment_vote(
                actor=users[voter],
                comment=comment,
                value=1,
                at=when(hours + rng.uniform(0.2, 30)),
            )
        if rng.random() < 0.06:
            critic = rng.choice([n for n in names if n != writer])
            if critic not in voters:
                actions.comment_vote(
                    actor=users[critic],
                    comment=comment,
                    value=-1,
                    at=when(hours + rng.uniform(0.2, 30)),
                )

    hours = 0.0
    for _ in range(spec["comments"]):
        # Most of a discussion happens on the first two days; a tail follows.
        hours += rng.expovariate(1 / 0.6) if hours < 48 else rng.expovariate(1 / 14)
        writer = rng.choices(names, weights)[0]
        first_time = writer not in have_written and writer not in VOICES
        parent = None
        if posted and not first_time and rng.random() < 0.45:
            recent = posted[-15:]
            parent, parent_writer = rng.choices(
                recent, [1 + c.upvotes for c, _w in recent]
            )[0]
            if parent_writer == writer:
                parent = None
        out_of_line = writer == HOTHEAD and rng.random() < 0.35 and removed < 2
        if out_of_line:
            body = _fill(rng.choice(HOTHEAD_LINES), topic)
        elif parent is not None:
            body = (
                _fill(rng.choice(REPLIES), topic, name=parent.display_name)
                + " "
                + _fill(rng.choice(MIDDLES), topic)
            )
        else:
            body = _text(rng, topic, long=writer == "old_cartographer")
        comment = actions.comment_post(
            actor=users[writer],
            thread=thread,
            body=body,
            parent=parent,
            created_at=when(hours),
            moderate=False,  # history, posted as an importer would
        )
        have_written.add(writer)
        if out_of_line:
            actions.comment_delete(actor=users[MODERATOR], comment=comment)
            removed += 1
            continue
        vote(comment, writer, writers[writer][1], hours)
        comment.refresh_from_db(fields=["upvotes"])
        posted.append((comment, writer))
        if first_time and rng.random() < 0.7:
            hours = _welcome(rng, thread, comment, writer, users, topic, when, hours)
    return Comment.objects.filter(thread=thread).count()


def _welcome(
    rng: random.Random,
    thread: Thread,
    first: Comment,
    newcomer: str,
    users: dict[str, Any],
    topic: dict[str, str],
    when: Any,
    hours: float,
) -> float:
    """A regular answers a newcomer's first comment; the newcomer answers back."""
    mentor = rng.choices(MENTORS, [5, 3, 2, 1])[0]
    hours += rng.uniform(0.3, 3)
    reply = actions.comment_post(
        actor=users[mentor],
        thread=thread,
        body=_fill(rng.choice(WELCOMES), topic, name=first.display_name),
        parent=first,
        created_at=when(hours),
        moderate=False,  # history, posted as an importer would
    )
    if rng.random() < 0.6:
        actions.comment_vote(
            actor=users[newcomer], comment=reply, value=1, at=when(hours + 1)
        )
    else:
        hours += rng.uniform(0.5, 4)
        actions.comment_post(
            actor=users[newcomer],
            thread=thread,
            body=rng.choice(THANKS),
            parent=reply,
            created_at=when(hours),
            moderate=False,  # history, posted as an importer would
        )
    return hours
