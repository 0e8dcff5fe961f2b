"""Demo comments for the moderation queue: something in every tab.

Written here for the demo. They are screened by the real scorers (chosen
explicitly, so the demo looks the same whatever a test or a site configures)
and the moderator's decisions go through ``decisions.decide``, audit log
included.

- Auto-flagged (held): two name-calling replies both models agree on, and
  link spam.
- Worth a look (published and flagged): a slur on the people of a whole
  district, which one model suspects, and a jab a guest was asked to
  reconsider and posted as it was.
- Pending: a guest's first comment under an article whose policy holds
  newcomers.
- Reported: a claim that the blackout is staged, hidden after three members
  reported it; another comment with a single report, still in view.
- Recently decided: the moderator approved another newcomer's first comment,
  removed the link spam and banned its sender, and removed a member's
  insult with a reason that member sees on the comment.

The reconsider prompt itself is for a visitor to try: post an insult under
any demo article.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dateline.discussion import actions
from dateline.discussion.models import Comment, Thread
from dateline.moderation import decisions, policies, scorers, scoring
from dateline.moderation.models import Review
from dateline.moderation.screening import policy_for

BEIRUT = "night-of-strikes-leaves-southern-suburbs-dark"
CEASEFIRE = "ceasefire-monitors-report-first-breach-river-line"
AID = "aid-convoy-waits-at-the-crossing"
MODERATOR = "s.osei"

FLAGGED = [
    (
        BEIRUT,
        "guest:Ridge Runner",
        "Anyone who still defends this ministry is a brainless idiot. Go back "
        "to your cave, moron.",
    ),
    (
        CEASEFIRE,
        "guest:Static",
        "Shut up, you pathetic little troll. Nobody here wants your lies.",
    ),
]
WATCH = [
    (
        BEIRUT,
        "guest:Night Owl",
        "Typical. The people in those suburbs are animals and everyone knows "
        "it. Nobody should waste electricity on them.",
    ),
    (
        CEASEFIRE,
        "guest:Armchair",
        "Oh please. You would not know a ceasefire line if it bit you, idiot.",
    ),
]
REMOVED = (
    CEASEFIRE,
    "harbourlight",
    "Only a halfwit would trust these monitors. Pathetic, the lot of you.",
)
APPROVED = (
    AID,
    "guest:Convoy Driver",
    "Our lorries waited four days at the same crossing in March; the "
    "paperwork, not the road, was the delay.",
)
SPAM = (
    CEASEFIRE,
    "guest:Best Deals 24",
    "Generators half price! https://cheap-gens.example/a "
    "https://cheap-gens.example/b https://cheap-gens.example/c",
)
NEWCOMER = (
    AID,
    "guest:First Timer",
    "I drove that road last spring; the checkpoint queue moved faster after "
    "dark, for what it is worth.",
)
REPORTED = (
    BEIRUT,
    "guest:Wide Awake",
    "Wake up, people: the blackout is staged and the paper is repeating the "
    "ministry's script.",
)
REPORTERS = ["nadia.k", "petrov_w", "harbourlight"]
REPORTED_ONCE = (
    CEASEFIRE,
    "junebug",
    "The monitors were slow last time too. I will believe the report when I "
    "see the photographs.",
)


def _screen(thread: Thread, text: str, author: Any) -> policies.Verdict:
    """The verdict of the default scorers that read the text and the writer.

    A writer asked to reconsider posts as it is, as a demo writer would.
    """
    chosen: list[scoring.Scorer] = [
        scorers.BannedPhraseScorer(),
        scorers.LinkScorer(),
        scorers.HistoryScorer(),
        scorers.ToxicityScorer(),
    ]
    draft = scoring.Draft(
        text=text,
        author_id=author.pk if author else None,
        thread_id=thread.pk,
        now=timezone.now(),
    )
    return policies.judge(
        scoring.score(draft, chosen), policy_for(thread), confirmed=True
    )


def _post(thread: Thread, writer: str, text: str, users: dict[str, Any]) -> Comment:
    actor = None if writer.startswith("guest:") else users[writer]
    guest = None
    if actor is None:
        name = writer.removeprefix("guest:")
        guest = actions.GuestIdentity(name=name, key=f"demo-{name}")
    return actions.comment_post(
        actor=actor,
        thread=thread,
        body=text,
        guest=guest,
        verdict=_screen(thread, text, actor),
    )


def load_queue_examples(
    articles: dict[str, Any], users: dict[str, Any], now: dt.datetime | None = None
) -> int:
    """Post the examples once (a second load adds nothing); how many.

    They are dated over the hour before ``now`` (default: the clock).
    """
    threads = {
        slug: actions.thread_ensure(article=articles[slug])
        for slug in (BEIRUT, CEASEFIRE, AID)
        if slug in articles
    }
    if len(threads) < 3 or Comment.objects.filter(guest_name="Night Owl").exists():
        return 0
    Thread.objects.filter(pk=threads[AID].pk).update(moderation_mode=policies.PRE_NEW)
    threads[AID].refresh_from_db()
    moderator = users[MODERATOR]
    posted = [
        _post(threads[slug], writer, text, users)
        for slug, writer, text in FLAGGED + WATCH
    ]
    posted.append(_post(threads[NEWCOMER[0]], NEWCOMER[1], NEWCOMER[2], users))

    reported = _post(threads[REPORTED[0]], REPORTED[1], REPORTED[2], users)
    for username in REPORTERS:
        actions.comment_report(
            actor=users[username],
            comment=reported,
            reason="misinformation",
            note="No source at all." if username == "nadia.k" else "",
        )
    once = _post(threads[REPORTED_ONCE[0]], REPORTED_ONCE[1], REPORTED_ONCE[2], users)
    actions.comment_report(actor=users["quietreader"], comment=once, reason="off_topic")
    posted += [reported, once]

    for spec, action, note in (
        (APPROVED, decisions.APPROVE, "First comment, on topic. Welcome."),
        (SPAM, decisions.BAN, "Advertising."),
        (
            REMOVED,
            decisions.REJECT,
            "Abuse — Argue with the monitors' findings, not with the people "
            "who read them.",
        ),
    ):
        comment = _post(threads[spec[0]], spec[1], spec[2], users)
        review = Review.objects.get(comment=comment, state=Review.State.PENDING)
        decisions.decide(
            moderator=moderator,
            review_id=review.pk,
            version=review.version,
            action=action,
            note=note,
        )
        posted.append(comment)
    # Spread them over the last hour, as a real queue would be.
    now = now or timezone.now()
    for n, comment in enumerate(posted):
        when = now - dt.timedelta(minutes=55 - 6 * n)
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        Review.objects.filter(comment=comment).update(created_at=when)
    return len(posted)
