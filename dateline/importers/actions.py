"""Write a record stream into Dateline, through the actions a live post uses.

Each thread is one transaction: its article or thread, then its comments
parents first, through ``discussion.actions.comment_post`` with moderation
screening off and the original times kept (``history=True``). Held
comments go to the moderation queue as held; deleted ones are posted and
then deleted by their writer, so their replies keep their place; votes
counted elsewhere join the score.

Every record is looked up in :class:`ImportedRecord` before it is written
and entered there after, in the same transaction: running an import again
changes nothing, a newer export adds only what is new, and an import that
stopped half-way resumes at the thread it was in. A dry run does all of it
and rolls each thread back, so its report counts exactly what a real run
would do.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.text import slugify

from dateline.community import tasks as community_tasks
from dateline.core import search, sql
from dateline.core.errors import DatelineError
from dateline.discussion import actions as discussion
from dateline.discussion import conf as discussion_conf
from dateline.discussion import replay
from dateline.discussion.models import Comment, Thread, Vote
from dateline.importers import conf, html, selectors
from dateline.importers import records as r
from dateline.importers.models import ImportedRecord, KeptSubscription
from dateline.importers.report import Report
from dateline.importers.sources import Origin
from dateline.moderation.policies import Verdict
from dateline.moderation.scoring import HOLD, Reason
from dateline.newsroom import actions as newsroom
from dateline.newsroom.models import ArticlePage
from dateline.notify import actions as notify

Progress = Callable[[Report], None]


@dataclass
class Options:
    dry_run: bool = True
    # Comments go onto existing articles (matched by slug); no new articles.
    attach_only: bool = False
    pingbacks: bool = False
    spam: bool = False
    source: str = ""  # overrides the name the file gives its site
    # Each comment through comment_post instead of the thread's replay at once
    # (the slow way, which the replay is tested against).
    one_by_one: bool = False


def subscriptions_forget(*, email: str = "", member: Any = None) -> int:
    """Erase the subscriptions kept for a member or an address (privacy)."""
    found = selectors.kept_subscriptions(email=email, member=member)
    return KeptSubscription.objects.filter(
        pk__in=list(found.values_list("pk", flat=True))
    ).delete()[0]


def import_records(
    records: Iterable[r.Record | Origin],
    options: Options,
    progress: Progress | None = None,
) -> Report:
    report = Report(dry_run=options.dry_run, source=options.source)
    writer = _Writer(options, report)
    if connection.vendor == "sqlite":
        # A bigger page cache while the tables grow (64 MB, the default 2 MB).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-65536")
    thread: r.Thread | None = None
    comments: list[r.Comment] = []
    extras: list[r.Vote | r.Subscription] = []
    with community_tasks.batched() as touched, search.indexing_deferred():
        for record in records:
            if isinstance(record, Origin):
                report.source = options.source or record.source
            elif isinstance(record, r.Member):
                writer.members[record.source_id] = record
            elif isinstance(record, r.Skipped):
                report.skip(record.where, record.reason)
            elif isinstance(record, r.Thread):
                if thread is not None:
                    writer.thread(thread, comments, extras)
                    if progress:
                        progress(report)
                thread, comments, extras = record, [], []
            elif isinstance(record, r.Comment):
                if thread is None or record.thread_id != thread.source_id:
                    report.skip(record.where, "it comes before its thread")
                else:
                    comments.append(record)
            elif isinstance(record, (r.Vote, r.Subscription)):
                if thread is None or record.thread_id != thread.source_id:
                    report.counts["skipped_outside_their_thread"] += 1
                else:
                    extras.append(record)
        if thread is not None:
            writer.thread(thread, comments, extras)
        if options.dry_run:
            touched.clear()  # nothing to refresh: nothing was kept
    if progress:
        progress(report)
    return report


class _Writer:
    def __init__(self, options: Options, report: Report) -> None:
        self.options = options
        self.report = report
        self.members: dict[str, r.Member] = {}
        self.seen_members: set[str] = set()  # counted once, dry run or not
        self.erased: set[str] = set()  # members who deleted their account here
        # Pages made or found this run, by slug or name (not in a dry run,
        # whose every thread is rolled back).
        self.sections: dict[str, Any] = {}
        self.authors: dict[str, Any] = {}

    # --- the map of what became what ---------------------------------------

    def _mapped(self, kind: str, source_id: str) -> int | None:
        return (
            ImportedRecord.objects.filter(
                source=self.report.source, kind=kind, source_id=source_id
            )
            .values_list("object_id", flat=True)
            .first()
        )

    def _mapped_many(self, kind: str, source_ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(source_ids), 500):  # SQLite's variable limit
            found.update(
                ImportedRecord.objects.filter(
                    source=self.report.source,
                    kind=kind,
                    source_id__in=source_ids[start : start + 500],
                ).values_list("source_id", "object_id")
            )
        return found

    def _map(self, kind: str, source_id: str, object_id: int) -> None:
        ImportedRecord.objects.update_or_create(
            source=self.report.source,
            kind=kind,
            source_id=source_id,
            defaults={"object_id": object_id},
        )

    # --- threads -------------------------------------------------------------

    def thread(
        self,
        record: r.Thread,
        comments: list[r.Comment],
        extras: list[r.Vote | r.Subscription] | None = None,
    ) -> None:
        extras = extras or []
        with transaction.atomic():
            thread = self._thread(record)
            if thread is not None:
                votes = [v for v in extras if isinstance(v, r.Vote)]
                self._comments(thread, record, comments, votes)
                self._subscriptions(
                    thread, [x for x in extras if isinstance(x, r.Subscription)]
                )
            if self.options.dry_run:
                transaction.set_rollback(True)

    def _thread(self, record: r.Thread) -> Thread | None:
        found = self._mapped("thread", record.source_id)
        if found is not None:
            self.report.counts["threads_already"] += 1
            return Thread.objects.filter(pk=found).first()
        article: ArticlePage | None
        if record.article is not None and not self.options.attach_only:
            article = self._article(record.article)
            self.report.counts["threads_created_for_articles"] += 1
        else:
            article = self._match(record)
        if article is not None:
            thread = discussion.thread_ensure(article=article)
            if record.article is None or self.options.attach_only:
                self.report.counts["threads_matched"] += 1
        elif record.url:
            thread, _created = Thread.objects.get_or_create(
                url=record.url[:500], defaults={"title": record.title[:255]}
            )
            self.report.counts["threads_by_url"] += 1
        else:
            self.report.skip(record.source_id, "the thread has no URL to keep it by")
            return None
        self._map("thread", record.source_id, thread.pk)
        return thread

    def _match(self, record: r.Thread) -> ArticlePage | None:
        if not record.slug:
            return None
        found = list(ArticlePage.objects.filter(slug=record.slug)[:2])
        return found[0] if len(found) == 1 else None

    def _article(self, record: r.Article) -> ArticlePage:
        categories = record.categories or [(conf.get("DATELINE_IMPORT_SECTION"), "")]
        slug, name = categories[0]
        section = self.sections.get(slug)
        if section is None:
            section = newsroom.section_ensure(slug=slug, title=name or slug.title())
            if not self.options.dry_run:
                self.sections[slug] = section
        body = html.article_body(record.html)
        for _tag, count in body.left_out.items():
            self.report.counts["left_out_media"] += count
        standfirst = html.plain_text(record.excerpt) or _first_words(
            html.plain_text(record.html), 300
        )
        article = newsroom.article_import(
            section=section,
            title=record.title,
            slug=record.slug,
            standfirst=standfirst,
            body=body.blocks,
            published_at=record.published_at,
            author=self._author(record.author_name),
            tags=record.tags,
        )
        self.report.counts["articles_created"] += 1
        return article

    def _author(self, login: str) -> Any:
        if login not in self.authors:
            name = next(
                (
                    m.display_name
                    for m in self.members.values()
                    if m.login == login and m.display_name
                ),
                login,
            )
            author = newsroom.author_ensure(name=name)
            if self.options.dry_run:
                return author
            self.authors[login] = author
        return self.authors[login]

    # --- comments ------------------------------------------------------------

    def _comments(
        self,
        thread: Thread,
        record: r.Thread,
        comments: list[r.Comment],
        votes: list[r.Vote],
    ) -> None:
        self.votes: dict[str, list[r.Vote]] = {}
        for vote in sorted(votes, key=lambda v: v.at):
            self.votes.setdefault(vote.comment_id, []).append(vote)
        before = self._mapped_many("comment", [c.source_id for c in comments])
        existing = Comment.objects.in_bulk(before.values())
        index: dict[str, int] = {}  # source id -> its place in ``past``
        past: list[replay.Past] = []
        chosen: list[r.Comment] = []  # the records ``past`` was made from
        for comment in comments:
            if comment.kind in ("pingback", "trackback") and not self.options.pingbacks:
                self.report.counts["skipped_pingbacks"] += 1
                continue
            if comment.state == r.SPAM and not self.options.spam:
                self.report.counts["skipped_spam"] += 1
                continue
            if comment.source_id in before:
                self.report.counts["comments_already"] += 1
                continue
            item = self._past(comment, index, past, before, existing)
            if item is None:
                continue
            index[comment.source_id] = len(past)
            past.append(item)
            chosen.append(comment)
        self._later_votes(before, existing)
        if self.options.one_by_one:
            results = _one_by_one(thread, past)
        else:
            results = replay.comments_replay(thread=thread, past=past)
        mapped: list[ImportedRecord] = []
        to_delete: list[tuple[Comment, replay.Past]] = []
        for comment, item, result in zip(chosen, past, results, strict=True):
            if result.comment is None:
                self.report.skip(comment.where, result.error)
                continue
            if result.orphaned:
                self._orphan(comment)
            if comment.upvotes or comment.downvotes:
                self.report.counts["votes"] += comment.upvotes + comment.downvotes
            if item.votes:
                self.report.counts["votes_by_members"] += len(item.votes)
            if item.parent is not None or item.parent_comment is not None:
                self.report.counts["replies"] += 1
            if comment.state == r.DELETED:
                to_delete.append((result.comment, item))
                self.report.counts["comments_deleted"] += 1
            elif item.held is not None:
                self.report.counts["comments_pending"] += 1
            else:
                self.report.counts["comments_published"] += 1
            mapped.append(
                ImportedRecord(
                    source=self.report.source,
                    kind="comment",
                    source_id=comment.source_id,
                    object_id=result.comment.pk,
                )
            )
        sql.insert_many(mapped)
        for written, item in to_delete:  # by its writer: a deleted guest has a key
            discussion.comment_delete(
                actor=item.member,
                comment=written,
                guest_key=item.guest.key if item.guest else "",
            )
        if record.closed and not thread.is_closed:
            discussion.thread_close(actor=None, thread=thread)

    def _later_votes(self, before: dict[str, int], existing: dict[int, Any]) -> None:
        """Members' votes on comments an earlier run imported: those cast
        since then are added; a member's vote already here stays as it is."""
        earlier = {
            source_id: existing[pk]
            for source_id, pk in before.items()
            if source_id in self.votes and pk in existing
        }
        if not earlier:
            return
        here = set(
            Vote.objects.filter(
                comment_id__in=[c.pk for c in earlier.values()]
            ).values_list("comment_id", "voter_id")
        )
        for source_id, comment in earlier.items():
            if comment.is_deleted:
                continue
            pending = not comment.is_published
            found = self._members_votes(source_id, comment.author_id, pending)
            for voter, value, at in found:
                if (comment.pk, voter.pk) in here:
                    continue
                comment = discussion.comment_vote(
                    actor=voter, comment=comment, value=value, at=at
                )
                self.report.counts["votes_added_to_earlier_comments"] += 1

    def _orphan(self, record: r.Comment) -> None:
        self.report.skip(
            record.where,
            f"it answers {record.parent_id}, which is not imported; "
            "imported at the top level",
            count="orphans",
        )

    def _past(
        self,
        record: r.Comment,
        index: dict[str, int],
        past: list[replay.Past],
        before: dict[str, int],
        existing: dict[int, Comment],
    ) -> replay.Past | None:
        """The comment as the replay takes it; None (and said why) to skip it."""
        parent: int | None = None
        parent_comment: Comment | None = None
        if record.parent_id:
            if record.parent_id in index:
                parent = index[record.parent_id]
            elif before.get(record.parent_id) in existing:
                parent_comment = existing[before[record.parent_id]]
            else:
                self._orphan(record)
        body = record.body
        if record.body_format == "html":
            body = html.comment_markdown(body)
        deleted = record.state == r.DELETED
        if deleted:
            body = body or "[deleted]"
        if len(body.strip()) < discussion_conf.min_length():
            self.report.skip(record.where, "the comment has no text")
            return None
        member = self._member(record)
        key = secrets.token_urlsafe(16) if deleted and member is None else None
        guest = None
        if member is None:
            guest = self._guest(record, key)
            if record.member_id in self.erased:
                guest = dataclasses.replace(
                    guest, name=str(discussion.ERASED_WRITER), email=""
                )
                self.report.counts["comments_by_deleted_members"] += 1
        parent_held = (
            past[parent].held is not None
            if parent is not None
            else bool(parent_comment and parent_comment.is_pending)
        )
        pending = record.state == r.PENDING or parent_held
        votes = self._members_votes(
            record.source_id, member.pk if member else None, pending
        )
        return replay.Past(
            body=body,
            created_at=record.created_at,
            member=member,
            guest=guest,
            parent=parent,
            parent_comment=parent_comment,
            held=_held(record) if pending else None,
            tally=(record.upvotes, record.downvotes),
            votes=votes,
        )

    def _members_votes(
        self, source_id: str, writer_id: int | None, pending: bool
    ) -> list[tuple[Any, int, Any]]:
        """The comment's votes by members: one each (the last), never the
        writer's own, none on a comment held for review (nobody saw it)."""
        last: dict[int, tuple[Any, int, Any]] = {}
        for vote in self.votes.get(source_id, []):
            voter = self._member_by_id(vote.member_id)
            if voter is None or vote.value not in (1, -1):
                self.report.counts["votes_skipped_unknown_voter"] += 1
            elif pending:
                self.report.counts["votes_skipped_on_held"] += 1
            elif voter.pk == writer_id:
                self.report.counts["votes_skipped_own"] += 1
            else:
                last[voter.pk] = (voter, vote.value, vote.at)
        return list(last.values())

    def _subscriptions(self, thread: Thread, kept: list[r.Subscription]) -> None:
        for sub in kept:
            email = _valid_email(sub.email)
            if not sub.confirmed or not email:
                self.report.counts["subscriptions_skipped_unconfirmed"] += 1
                continue
            comment = None
            if sub.comment_id:
                found = self._mapped("comment", sub.comment_id)
                comment = Comment.objects.filter(pk=found).first() if found else None
                if comment is None:
                    self.report.counts["subscriptions_skipped_no_comment"] += 1
                    continue
            User = get_user_model()
            brought, created = KeptSubscription.objects.get_or_create(
                thread=thread,
                email=email,
                kind=sub.kind,
                comment=comment,
                defaults={
                    "source": self.report.source,
                    "member": User.objects.filter(email__iexact=email).first(),
                    "subscribed_at": sub.at,
                },
            )
            self.report.counts[
                "subscriptions_kept" if created else "subscriptions_already"
            ] += 1
            if created:
                # What it becomes here (a follow, or replies to a guest).
                became = notify.subscription_brought(
                    address=email,
                    member=brought.member,
                    thread=thread,
                    every_comment=sub.kind == KeptSubscription.Kind.THREAD,
                    since=sub.at,
                )
                self.report.counts[f"subscriptions_{became}"] += 1

    def _guest(self, record: r.Comment, key: str | None) -> discussion.GuestIdentity:
        name = " ".join(record.name.split()) or str(
            conf.get("DATELINE_IMPORT_ANONYMOUS_NAME")
        )
        limit = discussion_conf.name_max_length()
        if len(name) > limit:
            name = name[: limit - 1] + "…"
        return discussion.GuestIdentity(
            name=name, email=_valid_email(record.email), key=key or ""
        )

    # --- members -------------------------------------------------------------

    def _member_by_id(self, member_id: str) -> Any:
        """A member of the source by id alone (a voter), if the source named them."""
        known = self.members.get(member_id)
        if known is None:
            return None
        return self._member_of(member_id, known.email, known.display_name)

    def _member(self, record: r.Comment) -> Any:
        if not record.member_id:
            return None
        return self._member_of(record.member_id, record.email, record.name)

    def _member_of(self, member_id: str, email: str, name: str) -> Any:
        known = self.members.get(member_id) or next(
            (  # WXR 1.0 and WordPress.com name authors by login, not by id
                m
                for m in self.members.values()
                if email and m.email.lower() == email.strip().lower()
            ),
            r.Member(source_id=member_id, email=email, display_name=name),
        )
        email = _valid_email(known.email or email)
        found = self._mapped("member", member_id)
        User = get_user_model()
        if found is not None:
            user = User.objects.filter(pk=found).first()
            if user is not None:
                return user
            # They were here and deleted their account: not brought back.
            self.erased.add(member_id)
            return None
        user = User.objects.filter(email__iexact=email).first() if email else None
        first_time = member_id not in self.seen_members
        self.seen_members.add(member_id)
        if user is not None:
            if first_time:
                self.report.counts["members_matched"] += 1
        else:
            if not email:
                return None  # nobody to match or to sign in later: a guest
            user = _new_member(known, email)
            if first_time:
                self.report.counts["members_created"] += 1
        self._map("member", member_id, user.pk)
        return user


def _one_by_one(thread: Thread, past: list[replay.Past]) -> list[replay.Replayed]:
    """The replay done with ``comment_post``, one at a time: what the replay
    must equal (``tests/test_importers.py`` compares them)."""
    results: list[replay.Replayed] = []
    for item in past:
        parent = item.parent_comment
        orphaned = False
        if item.parent is not None:
            parent = results[item.parent].comment
            orphaned = parent is None
        try:
            comment = discussion.comment_post(
                actor=item.member,
                thread=thread,
                body=item.body,
                parent=parent,
                guest=item.guest,
                created_at=item.created_at,
                moderate=False,
                verdict=item.held,
                history=True,
                tally=item.tally,
            )
        except DatelineError as error:
            results.append(replay.Replayed(error=str(error)))
            continue
        for member, value, at in item.votes:
            comment = discussion.comment_vote(
                actor=member, comment=comment, value=value, at=at
            )
        results.append(replay.Replayed(comment=comment, orphaned=orphaned))
    return results


def _held(record: r.Comment) -> Verdict:
    return Verdict(
        decision=HOLD,
        reasons=(
            Reason(
                "imported_held",
                "It was waiting for review where it was first posted.",
            ),
        ),
    )


def _new_member(known: r.Member, email: str) -> Any:
    User = get_user_model()
    base = slugify(known.login or known.display_name or email.split("@")[0])[:140]
    username, n = base or "member", 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base or 'member'}-{n}"
    first, _sep, last = " ".join(known.display_name.split()).partition(" ")
    user = User(
        username=username, email=email, first_name=first[:150], last_name=last[:150]
    )
    user.set_unusable_password()
    user.save()
    # The address the old site knew, not yet confirmed here: signing in
    # through "Forgot your password?" confirms it.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def _valid_email(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _first_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
