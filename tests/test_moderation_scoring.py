"""Each scorer of the moderation pipeline, and the policies that decide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dateline.community.models import LedgerEntry, Standing
from dateline.discussion import actions
from dateline.moderation import policies, rules, scorers, scoring, words
from dateline.moderation.models import BannedPhrase, LinkRule
from dateline.moderation.scoring import APPROVE, HOLD, REJECT, Draft, Score, Scores

pytestmark = pytest.mark.moderation

# --- banned words through disguises ---------------------------------------------

PHRASES = [words.Phrase.of(p) for p in ("idiot", "ass", "kill yourself", "stupid")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("You IDIOT", "IDIOT"),
        ("you 1d10t!", "1d10t"),
        ("stuuupid", "stuuupid"),
        ("i d i o t", "i d i o t"),
        ("m.o.r.o.n and i.d.i.o.t", "i.d.i.o.t"),
        ("sh!t, what an @ss", "@ss"),
        ("what an a**", "a**"),
        ("*idiot*", "idiot"),
        ("Ídiot", "Ídiot"),
        ("idiots, all of you", "idiots"),
        ("just KILL   yourself", "KILL   yourself"),
    ],
)
def test_banned_words_are_found_through_disguises(text, found):
    matches = words.find(text, PHRASES)
    assert [text[m.start : m.end] for m in matches] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "An assessment of the class sizes",  # "ass" inside a word
        "as far as I know",  # "as" is not "ass"
        "the troops killed yourself-styled rebels",  # not the phrase
        "Stupidity is not a crime",
        "Scores: 3 to 1, 2024 was close",
    ],
)
def test_innocent_words_are_not_matched(text):
    assert words.find(text, PHRASES) == []


# --- scorers ------------------------------------------------------------------------


def draft(text="A point about the ferry.", **kw):
    return Draft(text=text, **kw)


def test_honeypot_and_speed():
    assert scorers.HoneypotScorer().score(draft()).insists is None
    assert scorers.HoneypotScorer().score(draft(honeypot="x")).insists == REJECT
    assert scorers.SpeedScorer().score(draft(seconds_to_submit=1.0)).insists == HOLD
    assert scorers.SpeedScorer().score(draft(seconds_to_submit=30)).insists is None
    assert scorers.SpeedScorer().score(draft()).insists is None  # API: unknown


@pytest.mark.django_db
def test_banned_phrases_come_from_the_admin_list_and_an_edit_shows_at_once():
    scorer = scorers.BannedPhraseScorer()
    assert not scorer.score(draft("What a numpty.")).flagged
    BannedPhrase.objects.create(phrase="numpty", action="hold")
    held = scorer.score(draft("What a NUMPTY."))
    assert held.insists == HOLD
    assert held.reasons[0].spans == ((7, 13),)
    assert "numpty" in held.reasons[0].message
    BannedPhrase.objects.filter(phrase="numpty").update(action="reject")
    rules._changed()  # .update() sends no signal; an admin save does
    assert scorer.score(draft("numpty")).insists == REJECT


@pytest.mark.django_db
def test_links_denied_allowed_and_counted(settings):
    settings.DATELINE_MODERATION_MAX_LINKS = 2
    LinkRule.objects.create(domain="spam.example", rule="deny")
    LinkRule.objects.create(domain="example.org", rule="allow")
    scorer = scorers.LinkScorer()
    text = "See https://www.spam.example/offer now"
    denied = scorer.score(draft(text))
    assert denied.insists == REJECT
    assert denied.reasons[0].spans == ((text.index("https"), text.index(" now")),)
    allowed = "https://example.org/a https://docs.example.org/b https://example.org/c"
    assert not scorer.score(draft(allowed)).flagged
    many = "http://a.test/1 http://b.test/2 [three](http://c.test/3)"
    assert scorer.score(draft(many)).insists == HOLD
    assert not scorer.score(draft("http://a.test/1 and http://b.test/2")).flagged


@pytest.mark.django_db
def test_duplicates_and_rate_count_the_same_writer(live, thread, a_member, settings):
    settings.DATELINE_MODERATION_PER_MINUTE = 3
    text = "The ferry timetable changed again."
    live(actions.comment_post, actor=a_member, thread=thread, body=text)
    mine = draft(text.upper(), author_id=a_member.pk)
    assert scorers.DuplicateScorer().score(mine).insists == REJECT
    assert not scorers.DuplicateScorer().score(draft(text)).flagged  # a guest
    assert not scorers.RateScorer().score(mine).flagged
    for n in range(2):
        live(actions.comment_post, actor=a_member, thread=thread, body=f"More {n}.")
    assert scorers.RateScorer().score(mine).insists == REJECT
    later = draft(
        "x", author_id=a_member.pk, now=timezone.now() + dt.timedelta(minutes=2)
    )
    assert not scorers.RateScorer().score(later).flagged


@pytest.mark.django_db
def test_history_trusts_a_record_and_holds_after_removals(
    live, thread, a_member, a_moderator, settings, no_badges
):
    settings.DATELINE_MODERATION_TRUSTED_POINTS = 4
    scorer = scorers.HistoryScorer()
    assert scorer.score(draft(author_id=a_member.pk)).trust == 0.0  # newcomer
    assert scorer.score(draft()).trust == 0.0  # guest
    first = live(actions.comment_post, actor=a_member, thread=thread, body="One.")
    assert scorer.score(draft(author_id=a_member.pk)).trust == 0.5
    live(actions.comment_post, actor=a_member, thread=thread, body="Two.")
    assert Standing.objects.get(member=a_member).points == 4
    assert scorer.score(draft(author_id=a_member.pk)).trust == 1.0
    live(actions.comment_delete, actor=a_moderator, comment=first)
    assert LedgerEntry.objects.filter(
        member=a_member, kind=LedgerEntry.Kind.COMMENT_REMOVED
    ).exists()
    assert scorer.score(draft(author_id=a_member.pk)).trust == 0.5
    second = live(actions.comment_post, actor=a_member, thread=thread, body="Three.")
    live(actions.comment_delete, actor=a_moderator, comment=second)
    assert scorer.score(draft(author_id=a_member.pk)).insists == HOLD


def test_toxicity_holds_rejects_and_highlights_the_sentence(settings):
    scorer = scorers.ToxicityScorer()
    assert not scorer.score(draft("The missiles destroyed the tanks.")).flagged
    text = "The vote was close. You are a pathetic, brainless idiot."
    answer = scorer.score(draft(text))
    assert answer.insists in (HOLD, REJECT)
    (start, end), *_rest = answer.reasons[0].spans
    assert "idiot" in text[start:end] and "vote" not in text[start:end]
    settings.DATELINE_MODERATION_REJECT_AT = 0.999
    assert scorer.score(draft(text)).insists == HOLD


@pytest.mark.django_db
def test_the_pipeline_runs_every_scorer_and_times_it():
    result = scoring.score(draft("Calm words about the harbour."))
    assert [s.scorer for s in result.scores] == [
        "honeypot",
        "speed",
        "banned_phrases",
        "links",
        "duplicate",
        "rate",
        "history",
        "toxicity",
    ]
    assert not result.reasons()
    assert all(s.ms >= 0 for s in result.scores)
    assert result.as_json()[0]["scorer"] == "honeypot"


# --- policies ------------------------------------------------------------------------

HELD = Score("x", 0.6, (scoring.Reason("too_fast", "fast"),), insists=HOLD)
REJECTED = Score("y", 1.0, (scoring.Reason("duplicate", "again"),), insists=REJECT)


def scores(*extra, trust=0.0):
    return Scores((Score("history", 0.0, trust=trust), *extra))


@pytest.mark.parametrize(
    ("mode", "trust", "decision"),
    [
        ("post", 0.0, APPROVE),
        ("pre_all", 1.0, HOLD),
        ("pre_new", 0.0, HOLD),
        ("pre_new", 0.5, APPROVE),
        ("trust", 0.5, HOLD),
        ("trust", 1.0, APPROVE),
        ("closed", 1.0, REJECT),
    ],
)
def test_each_policy_on_a_clean_comment(mode, trust, decision):
    verdict = policies.judge(scores(trust=trust), policies.Policy(mode))
    assert verdict.decision == decision
    if decision != APPROVE:
        assert verdict.message  # the writer is told why


def test_a_scorer_that_insists_wins_over_the_policy():
    trusted = policies.Policy("trust")
    assert policies.judge(scores(HELD, trust=1.0), trusted).decision == HOLD
    both = policies.judge(scores(HELD, REJECTED), policies.Policy("post"))
    assert both.decision == REJECT and both.message == "again"


def test_slow_mode():
    now = timezone.now()
    slow = policies.Policy("post", slow_seconds=120)
    soon = policies.judge(
        scores(), slow, last_post=now - dt.timedelta(seconds=30), now=now
    )
    assert soon.decision == REJECT
    assert "every 2 minutes" in soon.message and "90 seconds" in soon.message
    later = policies.judge(
        scores(), slow, last_post=now - dt.timedelta(minutes=3), now=now
    )
    assert later.decision == APPROVE
    assert policies.judge(scores(), slow, now=now).decision == APPROVE


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown moderation mode"):
        policies.Policy("anarchy")
