"""The default scorers (``DATELINE_MODERATION_SCORERS``).

Each answers in plain words a writer can act on. Cheap checks come first in
the default order; the toxicity model runs last.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from linkify_it import LinkifyIt

from dateline.core import sql
from dateline.moderation import addresses, conf, ratelimit, rules, toxicity, words
from dateline.moderation.scoring import (
    FLAG,
    HOLD,
    RECONSIDER,
    REJECT,
    Bands,
    Draft,
    Reason,
    Score,
)

# Text without any of these holds no link (linkify is slow to say so).
LINK_HINT = re.compile(r"://|www\.|@|[^\W_]\.[^\W\d_]{2,}", re.UNICODE)


def _now(draft: Draft) -> dt.datetime:
    return draft.now or timezone.now()


class HoneypotScorer:
    """A form field hidden from people; software that fills every field fills it."""

    name = "honeypot"

    def score(self, draft: Draft) -> Score:
        if not draft.honeypot.strip():
            return Score(self.name, 0.0)
        reason = Reason(
            "honeypot",
            _("This was sent by software, not typed by a person."),
        )
        return Score(self.name, 1.0, (reason,), insists=REJECT)


class SpeedScorer:
    """Sent sooner after the form appeared than a person can type."""

    name = "speed"

    def score(self, draft: Draft) -> Score:
        limit = conf.get("MIN_SECONDS")
        if draft.seconds_to_submit is None or draft.seconds_to_submit >= limit:
            return Score(self.name, 0.0)
        reason = Reason(
            "too_fast",
            ngettext(
                "Sent less than %(n)d second after the form opened; "
                "a moderator will check it was a person.",
                "Sent less than %(n)d seconds after the form opened; "
                "a moderator will check it was a person.",
                limit,
            )
            % {"n": limit},
        )
        return Score(self.name, 0.6, (reason,), insists=HOLD)


class BannedPhraseScorer:
    """The moderators' list of banned words and phrases (admin-editable)."""

    name = "banned_phrases"

    def score(self, draft: Draft) -> Score:
        current = rules.current()
        if not current.phrases:
            return Score(self.name, 0.0)
        found = words.find(draft.text, [p for p, _action in current.phrases])
        if not found:
            return Score(self.name, 0.0)
        actions = {current.action_for(m.phrase) for m in found}
        reason = Reason(
            "banned_phrase",
            ngettext(
                "It uses a word this site does not allow: %(words)s.",
                "It uses words this site does not allow: %(words)s.",
                len({m.phrase for m in found}),
            )
            % {"words": ", ".join(sorted({f"“{m.phrase}”" for m in found}))},
            tuple((m.start, m.end) for m in found),
        )
        return Score(
            self.name,
            1.0,
            (reason,),
            insists=REJECT if REJECT in actions else HOLD,
        )


@cache
def _linkify() -> LinkifyIt:
    return LinkifyIt()


class LinkScorer:
    """Links: denied domains are rejected, many links are held."""

    name = "links"

    def score(self, draft: Draft) -> Score:
        if not LINK_HINT.search(draft.text):
            return Score(self.name, 0.0)  # nothing a link could be made of
        matches = _linkify().match(draft.text) or []
        current = rules.current()
        denied, counted = [], []
        for match in matches:
            if match.schema == "mailto:":
                continue
            host = urlsplit(match.url).hostname or ""
            rule = current.link_rule(host)
            if rule == "deny":
                denied.append((match, host))
            elif rule != "allow":
                counted.append(match)
        if denied:
            hosts = ", ".join(sorted({h for _m, h in denied}))
            reason = Reason(
                "link_denied",
                _("Links to %(hosts)s are not allowed here.") % {"hosts": hosts},
                tuple((m.index, m.last_index) for m, _h in denied),
            )
            return Score(self.name, 1.0, (reason,), insists=REJECT)
        limit = conf.get("MAX_LINKS")
        if len(counted) > limit:
            reason = Reason(
                "too_many_links",
                ngettext(
                    "It has more than %(n)d link; a moderator will look at it.",
                    "It has more than %(n)d links; a moderator will look at it.",
                    limit,
                )
                % {"n": limit},
                tuple((m.index, m.last_index) for m in counted),
            )
            return Score(self.name, 0.7, (reason,), insists=HOLD)
        return Score(self.name, 0.0)


def writers_comments(author_id: int | None, guest_key_hash: str) -> Q | None:
    """One writer's comments: the member's, or those of the guest's browser."""
    if author_id:
        return Q(author_id=author_id)
    if guest_key_hash:
        return Q(author__isnull=True, guest_key_hash=guest_key_hash)
    return None


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


class DuplicateScorer:
    """The same text again from the same writer (copy-paste floods)."""

    name = "duplicate"

    def score(self, draft: Draft) -> Score:
        from dateline.discussion.models import Comment

        found = ratelimit.writer_condition(draft.author_id, draft.guest_key_hash)
        if found is None:
            return Score(self.name, 0.0)
        writer, params = found
        since = _now(draft) - dt.timedelta(hours=conf.get("DUPLICATE_HOURS"))
        # Plain SQL (``core/sql.py``): every post asks.
        if draft.comment_id:  # an edit is no evidence against itself
            writer += " AND id <> %s"
            params.append(draft.comment_id)
        params.append(sql.datetime(since))
        recent = sql.all_rows(
            f"SELECT body FROM {sql.table(Comment)} WHERE {writer} "  # noqa: S608
            "AND created_at >= %s ORDER BY created_at DESC LIMIT 50",
            params,
        )
        text = _normal(draft.text)
        if not any(_normal(body) == text for (body,) in recent):
            return Score(self.name, 0.0)
        reason = Reason(
            "duplicate",
            _("You have already posted this text recently."),
        )
        return Score(self.name, 1.0, (reason,), insists=REJECT)


class RateScorer:
    """Too many comments in a minute from one writer, address or network.

    The address is the one ``ForwardedMiddleware`` found, so a client that
    makes up ``X-Forwarded-For`` headers still counts as itself; a guest who
    clears cookies between posts still counts by address, and one who
    rotates addresses by network (``ratelimit.py``). Posting counts again
    under a lock, so a burst cannot overshoot.
    """

    name = "rate"

    def score(self, draft: Draft) -> Score:
        if draft.comment_id:
            return Score(self.name, 0.0)
        budget = ratelimit.Budget.of(
            draft.author_id, draft.guest_key_hash, addresses.stored(draft.client)
        )
        message = ratelimit.refusal(budget, _now(draft))
        if message:
            return Score(self.name, 1.0, (Reason("rate", message),), insists=REJECT)
        return Score(self.name, 0.0)


class HistoryScorer:
    """The writer's record, from the community ledger: trust, or recent removals.

    ``trust`` is 1 for a member with enough points and no removal lately,
    0.5 for anyone with published comments, 0 for a newcomer or a guest.
    """

    name = "history"

    def score(self, draft: Draft) -> Score:
        from dateline.community.models import LedgerEntry, Standing
        from dateline.discussion.models import Comment

        if not draft.author_id:
            return Score(self.name, 0.0)
        since = _now(draft) - dt.timedelta(days=conf.get("REMOVALS_DAYS"))
        # One plain-SQL statement (``core/sql.py``): every member's post asks.
        row = sql.one(
            "SELECT "  # noqa: S608 - names from the models, values as parameters
            f"(SELECT COUNT(*) FROM {sql.table(LedgerEntry)} WHERE member_id = %s "
            "AND kind = %s AND occurred_at >= %s), "
            f"(SELECT points FROM {sql.table(Standing)} WHERE member_id = %s), "
            f"EXISTS (SELECT 1 FROM {sql.table(Comment)} WHERE author_id = %s "
            "AND status = %s AND id <> %s)",
            [
                *(draft.author_id, LedgerEntry.Kind.COMMENT_REMOVED.value),
                *(sql.datetime(since), draft.author_id, draft.author_id),
                *(Comment.Status.PUBLISHED.value, draft.comment_id or 0),
            ],
        )
        assert row is not None  # a SELECT without FROM has one row
        removals, points, published = int(row[0]), row[1] or 0, bool(row[2])
        if removals >= 2:
            reason = Reason(
                "recent_removals",
                ngettext(
                    "A moderator removed %(n)d of your comments lately; "
                    "a moderator will look at this one first.",
                    "A moderator removed %(n)d of your comments lately; "
                    "a moderator will look at this one first.",
                    removals,
                )
                % {"n": removals},
            )
            return Score(self.name, 0.6, (reason,), insists=HOLD)
        if points >= conf.get("TRUSTED_POINTS") and not removals:
            return Score(self.name, 0.0, trust=1.0)
        return Score(self.name, 0.0, trust=0.5 if published else 0.0)


class ToxicityScorer:
    """The offline models (``toxicity.py``), answered in bands.

    Each band reads the measure that is reliable enough for what it does
    to the writer (see ``conf.py`` and ``make eval-moderation``): a flag
    costs the writer nothing, a reconsider prompt one more click, a hold
    a wait, so each needs more agreement than the one before. The
    sentences that may read as an attack are found in one batched pass.
    """

    name = "toxicity"

    def score(self, draft: Draft) -> Score:
        bands = draft.bands or Bands.site()
        found = toxicity.assess(draft.text)
        if found.agreement >= bands.reject_at:
            band, message = (
                REJECT,
                _(
                    "This reads as abusive: insults, threats or attacks on a group "
                    "of people are not published here. Please reword it."
                ),
            )
        elif found.agreement >= bands.hold_at:
            band, message = (
                HOLD,
                _(
                    "This may read as abusive (insults, threats or attacks on a "
                    "group of people), so a moderator will read it first."
                ),
            )
        elif found.score >= bands.reconsider_at:
            band, message = (
                RECONSIDER,
                _(
                    "Before you post: the highlighted part may read as an attack on "
                    "someone. You can change it, or post your comment as it is."
                ),
            )
        elif found.suspicion >= bands.flag_at:
            band, message = (
                FLAG,
                _(
                    "It may read as rude or as an attack; published, and listed "
                    "for a moderator to glance at."
                ),
            )
        else:
            return Score(self.name, found.score)
        reason = Reason("toxicity", message, _spans(draft.text, bands.flag_at))
        return Score(self.name, found.score, (reason,), insists=band)


MAX_PASSAGES = 32


def _spans(text: str, threshold: float) -> tuple[tuple[int, int], ...]:
    """The sentences of ``text`` that may read as an attack, or the worst one."""
    found = [
        (m.start(), m.end())
        for m in toxicity.SENTENCE.finditer(text)
        if m.group().strip()
    ]
    if len(found) <= 1:
        return ((0, len(text)),) if text.strip() else ()
    if len(found) > MAX_PASSAGES:
        # Hundreds of one-line "sentences" (quotes, lists) are read as at
        # most MAX_PASSAGES runs of neighbours: a bounded cost.
        size = -(-len(found) // MAX_PASSAGES)
        found = [
            (found[i][0], found[min(i + size, len(found)) - 1][1])
            for i in range(0, len(found), size)
        ]
    scored = toxicity.quick([text[start:end] for start, end in found])
    # Both cheap models together: the fast head alone is quick to doubt a
    # short plain sentence ("Power came back at 2am." scores 0.39).
    measure = [(a.fast + max(a.attack, a.toxic)) / 2 for a in scored]
    chosen = [s for s, value in zip(found, measure, strict=True) if value >= threshold]
    if not chosen:
        chosen = [found[measure.index(max(measure))]]
    return tuple(chosen)
