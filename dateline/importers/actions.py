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

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from dateline.community import tasks as community_tasks
from dateline.core.errors import DatelineError
from dateline.discussion import actions as discussion
from dateline.discussion import conf as discussion_conf
from dateline.discussion.models import Comment, Thread
from dateline.importers import conf, html
from dateline.importers import records as r
from dateline.importers.models import ImportedRecord
from dateline.importers.report import Report
from dateline.importers.sources import Origin
from dateline.moderation.policies import Verdict
from dateline.moderation.scoring import HOLD, Reason
from dateline.newsroom import actions as newsroom
from dateline.newsroom.models import ArticlePage

Progress = Callable[[Report], None]


@dataclass
class Options:
    dry_run: bool = True
    # Comments go onto existing articles (matched by slug); no new articles.
    attach_only: bool = False
    pingbacks: bool = False
    spam: bool = False
    source: str = ""  # overrides the name the file gives its site


def import_records(
    records: Iterable[r.Record | Origin],
    options: Options,
    progress: Progress | None = None,
) -> Report:
    report = Report(dry_run=options.dry_run, source=options.source)
    writer = _Writer(options, report)
    thread: r.Thread | None = None
    comments: list[r.Comment] = []
    with community_tasks.batched() as touched:
        for record in records:
            if isinstance(record, Origin):
                report.source = options.source or record.source
            elif isinstance(record, r.Member):
                writer.members[record.source_id] = record
            elif isinstance(record, r.Skipped):
                report.skip(record.where, record.reason)
            elif isinstance(record, r.Thread):
                if thread is not None:
                    writer.thread(thread, comments)
                    if progress:
                        progress(report)
                thread, comments = record, []
            elif isinstance(record, r.Comment):
                if thread is None or record.thread_id != thread.source_id:
                    report.skip(record.where, "it comes before its thread")
                else:
                    comments.append(record)
        if thread is not None:
            writer.thread(thread, comments)
        if options.dry_run:
            touched.clear()  # nothing to refresh: nothing was kept
        report.members_touched = set(touched)
    if progress:
        progress(report)
    return report


class _Writer:
    def __init__(self, options: Options, report: Report) -> None:
        self.options = options
        self.report = report
        self.members: dict[str, r.Member] = {}
        self.seen_members: set[str] = set()  # counted once, dry run or not

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

    def thread(self, record: r.Thread, comments: list[r.Comment]) -> None:
        with transaction.atomic():
            thread = self._thread(record)
            if thread is not None:
                self._comments(thread, record, comments)
            if self.options.dry_run:
                transaction.set_rollback(True)

    def _thread(self, record: r.Thread) -> Thread | None:
        found = self._mapped("thread", record.source_id)
        if found is not None:
            self.report.counts["threads_already"] += 1
            return Thread.objects.filter(pk=found).first()
        article = None
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
        section = newsroom.section_ensure(slug=slug, title=name or slug.title())
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
            author=newsroom.author_ensure(name=self._author_name(record.author_name)),
            tags=record.tags,
        )
        self.report.counts["articles_created"] += 1
        return article

    def _author_name(self, login: str) -> str:
        for member in self.members.values():
            if member.login == login and member.display_name:
                return member.display_name
        return login

    # --- comments ------------------------------------------------------------

    def _comments(
        self, thread: Thread, record: r.Thread, comments: list[r.Comment]
    ) -> None:
        made: dict[str, Comment] = {}
        to_delete: list[tuple[Comment, Any, str]] = []
        before = self._mapped_many("comment", [c.source_id for c in comments])
        existing = Comment.objects.in_bulk(before.values())
        self.new_comments: list[ImportedRecord] = []
        for comment in comments:
            if comment.kind in ("pingback", "trackback") and not self.options.pingbacks:
                self.report.counts["skipped_pingbacks"] += 1
                continue
            if comment.state == r.SPAM and not self.options.spam:
                self.report.counts["skipped_spam"] += 1
                continue
            found = before.get(comment.source_id)
            if found is not None:
                self.report.counts["comments_already"] += 1
                if found in existing:
                    made[comment.source_id] = existing[found]
                continue
            written = self._comment(thread, comment, made, to_delete)
            if written is not None:
                made[comment.source_id] = written
        ImportedRecord.objects.bulk_create(self.new_comments)
        for written, member, key in to_delete:
            discussion.comment_delete(actor=member, comment=written, guest_key=key)
        if record.closed and not thread.is_closed:
            discussion.thread_close(actor=None, thread=thread)

    def _comment(
        self,
        thread: Thread,
        record: r.Comment,
        made: dict[str, Comment],
        to_delete: list[tuple[Comment, Any, str]],
    ) -> Comment | None:
        parent = None
        if record.parent_id:
            parent = made.get(record.parent_id)
            if parent is None:
                self.report.skip(
                    record.where,
                    f"it answers {record.parent_id}, which is not in the file; "
                    "imported at the top level",
                    count="orphans",
                )
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
        pending = record.state == r.PENDING or bool(parent and parent.is_pending)
        try:
            comment = discussion.comment_post(
                actor=member,
                thread=thread,
                body=body,
                parent=parent,
                guest=None if member else self._guest(record, key),
                created_at=record.created_at,
                moderate=False,
                verdict=_held(record) if pending else None,
                history=True,
                tally=(record.upvotes, record.downvotes),
            )
        except DatelineError as error:
            self.report.skip(record.where, str(error))
            return None
        self.report.counts["votes"] += record.upvotes + record.downvotes
        if parent is not None:
            self.report.counts["replies"] += 1
        if deleted:
            to_delete.append((comment, member, key or ""))
            self.report.counts["comments_deleted"] += 1
        elif pending:
            self.report.counts["comments_pending"] += 1
        else:
            self.report.counts["comments_published"] += 1
        self.new_comments.append(
            ImportedRecord(
                source=self.report.source,
                kind="comment",
                source_id=record.source_id,
                object_id=comment.pk,
            )
        )
        return comment

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

    def _member(self, record: r.Comment) -> Any:
        if not record.member_id:
            return None
        known = self.members.get(record.member_id) or next(
            (  # WXR 1.0 and WordPress.com name authors by login, not by id
                m
                for m in self.members.values()
                if record.email and m.email.lower() == record.email.strip().lower()
            ),
            r.Member(
                source_id=record.member_id, email=record.email, display_name=record.name
            ),
        )
        email = _valid_email(known.email or record.email)
        found = self._mapped("member", record.member_id)
        User = get_user_model()
        if found is not None:
            user = User.objects.filter(pk=found).first()
            if user is not None:
                return user
        user = User.objects.filter(email__iexact=email).first() if email else None
        first_time = record.member_id not in self.seen_members
        self.seen_members.add(record.member_id)
        if user is not None:
            if first_time:
                self.report.counts["members_matched"] += 1
        else:
            if not email:
                return None  # nobody to match or to sign in later: a guest
            user = _new_member(known, email)
            if first_time:
                self.report.counts["members_created"] += 1
        self._map("member", record.member_id, user.pk)
        return user


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
