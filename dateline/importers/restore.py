"""Restore a Dateline export (``export.py``) into a site without a discussion.

One transaction: a restore is all there, or (after an error, or in a dry
run) nothing of it is. Records are read one line at a time and written in
batches; what must be remembered is the map of members', pages' and
images' new ids and the ids of the rows kept (a few bytes each).

What the file says is checked as it is read: each field a record needs,
each reference to a record earlier in the file, every page through
Wagtail's validation, every comment's text rendered again by this site's
sanitiser (the file's HTML is never used). An error names the line.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import gzip
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from dateline.community import actions as community
from dateline.core import events, search
from dateline.core.errors import InvalidInput
from dateline.discussion import conf as discussion_conf
from dateline.discussion import rendering
from dateline.discussion.models import Comment, Thread, path_segment
from dateline.importers import tables
from dateline.importers.export import IMPORTED, PAGE_FIELDS, PAGES
from dateline.importers.models import ImportedRecord
from dateline.importers.sources import SourceError
from dateline.importers.tables import Table
from dateline.newsroom import actions as newsroom
from dateline.newsroom.models import ArticlePage, HomePage, TopStory

BATCH = 1000
PAGE_TYPES = {kind: (model, own) for kind, model, own in PAGES}
VOTE_SOURCE = re.compile(r"^vote:(\d+):(\d+)$")
PAGE_LINK = re.compile(r'(<a\b[^>]*\blinktype="page"[^>]*\bid=")(\d+)(")')

Progress = Callable[[Counter[str]], None]


class RestoreError(SourceError):
    """The export cannot be restored; the message says where and why."""


@dataclass
class Restored:
    counts: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False
    shifted_by: dt.timedelta = dt.timedelta(0)
    members_matched: int = 0  # accounts already here, by name and address
    notes: list[str] = field(default_factory=list)


def in_the_way() -> dict[str, int]:
    """What the site holds that a restore would have to sit beside."""
    found = {
        "articles": ArticlePage.objects.count(),
        **{
            f"{table.kind}s": table.model._default_manager.count()
            for table in tables.TABLES.values()
            if table.keep_ids
        },
    }
    return {name: count for name, count in found.items() if count}


def lines_of(path: Path) -> Iterator[str]:
    """The file's lines, gunzipped if it is compressed."""
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    opened: IO[str] = (
        gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115
        if compressed
        else open(path, encoding="utf-8")  # noqa: SIM115
    )
    with opened as stream:
        try:
            yield from stream
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise RestoreError(f"The file cannot be read to its end: {error}") from None


def restore(
    lines: Iterable[str],
    *,
    dry_run: bool = False,
    move_to_now: bool = False,
    progress: Progress | None = None,
) -> Restored:
    """Restore the export whose lines are ``lines``.

    ``move_to_now`` moves every time on by as many whole days as have gone
    by since the file was made: a story commented on an hour before the
    export is commented on an hour (and less than a day) ago, at the same
    time of day (the demo is restored this way, so its datelines keep their
    local clock times).
    """
    blocking = in_the_way()
    if blocking:
        listed = ", ".join(f"{count} {name}" for name, count in blocking.items())
        raise RestoreError(
            "A Dateline export is restored into a site without a discussion; "
            f"this one already has {listed}. Restore into a new site, or import "
            "the other site's comments with import_wordpress, import_disqus or "
            "import_isso, which add to what is here."
        )
    result = Restored(dry_run=dry_run)
    restorer = _Restorer(result, move_to_now, progress)
    try:
        with search.indexing_deferred(), _original_times(), transaction.atomic():
            for number, line in enumerate(lines, 1):
                if line.strip():
                    restorer.take(number, line)
            restorer.finish()
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as error:  # two rows with one id, say: rolled back
        raise RestoreError(
            f"By line {restorer.number}, the database refused a row ({error}). "
            "Nothing was restored."
        ) from None
    return result


@contextlib.contextmanager
def _original_times() -> Iterator[None]:
    """Times the file gives are kept, not replaced by the time of the restore."""
    stamped = [
        f
        for model in (
            *(t.model for t in tables.TABLES.values()),
            get_image_model(),
            ImportedRecord,
        )
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Restorer:
    def __init__(
        self, result: Restored, move_to_now: bool, progress: Progress | None
    ) -> None:
        self.result = result
        self.move_to_now = move_to_now
        self.progress = progress
        self.shift = dt.timedelta(0)
        self.header_seen = False
        self.ended: dict[str, int] | None = None
        self.number = 0
        # New ids of what gets new ids; the ids kept, for checking references.
        self.maps: dict[str, dict[Any, Any]] = {
            "member": {},
            "page": {},
            "image": {},
        }
        self.kept: dict[str, set[int]] = {}
        self.pending: list[models.Model] = []
        self.pending_table: Table | None = None
        self.top_stories: list[TopStory] = []
        self.home: HomePage | None = None
        # The comments of the thread being read: id -> (path, depth, root id).
        self.tree: dict[int, tuple[str, int, int]] = {}
        self.tree_thread: int | None = None
        self.read_more = discussion_conf.read_more_chars()

    # --- reading ------------------------------------------------------------

    def fail(self, message: str) -> RestoreError:
        return RestoreError(f"Line {self.number}: {message}")

    def take(self, number: int, line: str) -> None:
        self.number = number
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise self.fail(f"not a JSON record ({error.msg}).") from None
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            raise self.fail("a record must be an object with a 'type'.")
        kind = record["type"]
        if self.ended is not None:
            raise self.fail("there is more after the 'end' record.")
        if not self.header_seen:
            self._header(record)
            return
        if kind != self.pending_table_type():
            self._flush()
        if kind != "top_story" and kind not in PAGE_TYPES:
            self._top_stories()
        try:
            self._record(kind, record)
        except KeyError as error:
            raise self.fail(f"a {kind} record has no {error}.") from None
        except (TypeError, ValueError) as error:
            raise self.fail(
                f"a {kind} record has a value of the wrong kind: {error}"
            ) from None
        if kind != "end":
            self.result.counts[kind] += 1
            if self.progress and sum(self.result.counts.values()) % 5000 == 0:
                self.progress(self.result.counts)

    def pending_table_type(self) -> str | None:
        return self.pending_table.kind if self.pending_table else None

    def _header(self, record: dict[str, Any]) -> None:
        if record.get("type") != "header" or record.get("format") != tables.FORMAT:
            raise self.fail(
                "this is not a Dateline export (its first line is not a "
                f"'{tables.FORMAT}' header)."
            )
        version = record.get("version")
        if not isinstance(version, int) or version > tables.VERSION:
            raise self.fail(
                f"the export is in version {version} of the format, and this "
                f"Dateline reads version {tables.VERSION} and earlier. Restore it "
                "with a newer Dateline."
            )
        if self.move_to_now:
            made = tables.decode(
                Thread, "created_at", record["exported_at"], dt.timedelta(0)
            )
            # Whole days, so every time of day stays what it was.
            self.shift = dt.timedelta(days=(timezone.now() - made).days)
            self.result.shifted_by = self.shift
        self.header_seen = True

    def _record(self, kind: str, record: dict[str, Any]) -> None:
        if kind == "end":
            counts = record["counts"]
            if not isinstance(counts, dict):
                raise self.fail("the 'end' record's counts are not a table.")
            self.ended = counts
        elif kind == "image":
            self._image(record)
        elif kind == "member":
            self._member(record)
        elif kind == "picture":
            self._picture(record)
        elif kind == "imported":
            self._imported(record)
        elif kind in PAGE_TYPES:
            self._page(kind, record)
        elif kind == "top_story":
            self._top_story(record)
        elif kind in tables.TABLES:
            self._row(tables.TABLES[kind], record)
        else:
            raise self.fail(f"'{kind}' is not a kind of record this Dateline knows.")

    def finish(self) -> None:
        self._flush()
        self._top_stories()
        if not self.header_seen:
            raise RestoreError("The file is empty.")
        if self.ended is None:
            raise RestoreError(
                "The file stops before its 'end' record: it was cut off "
                f"after line {self.number}. Nothing was restored."
            )
        read = {k: v for k, v in self.result.counts.items() if v}
        said = {k: v for k, v in self.ended.items() if v}
        if read != said:
            raise RestoreError(
                f"The 'end' record counts {said}, but the file holds {read}."
                " Nothing was restored."
            )
        kept_models = [t.model for t in tables.TABLES.values() if t.keep_ids]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), kept_models):
                cursor.execute(statement)
        # No copy of a page cached before the restore may pass for a new one.
        Thread.objects.update(version=F("version") + 1)
        # What reacts to comments arriving in bulk (the notes' scorer works
        # out the common-ground scores the file does not carry), once the
        # restore commits. Members' standings came with the file.
        for thread_id in sorted(self.kept.get("thread", ())):
            events.emit(events.CommentsImported(thread_id=thread_id, member_ids=()))

    # --- references ---------------------------------------------------------

    def ref(self, target: str, old: Any, *, what: str) -> Any:
        if old is None:
            return None
        if target in self.maps:
            if old not in self.maps[target]:
                raise self.fail(
                    f"{what} points at {target} {old}, which comes nowhere before it."
                )
            return self.maps[target][old]
        if old not in self.kept.get(target, ()):
            raise self.fail(
                f"{what} points at {target} {old}, which comes nowhere before it."
            )
        return old

    # --- images and members -------------------------------------------------

    def _image(self, record: dict[str, Any]) -> None:
        if record["data"] is None or self.result.dry_run:
            # Gone from the exporting site's media folder, or a dry run,
            # which writes no files: what showed it shows nothing.
            self.maps["image"][record["id"]] = None
            return
        try:
            data = base64.b64decode(record["data"], validate=True)
        except (binascii.Error, TypeError):
            raise self.fail("the image's data is not base64.") from None
        image = get_image_model()(title=record["title"][:255])
        focal = record.get("focal_point")
        if focal:
            (
                image.focal_point_x,
                image.focal_point_y,
                image.focal_point_width,
                image.focal_point_height,
            ) = focal
        image.file = ImageFile(io.BytesIO(data), name=record["file_name"] or "image")
        image.created_at = (
            tables.decode(
                get_image_model(), "created_at", record["created_at"], self.shift
            )
            or timezone.now()
        )
        try:
            image.full_clean(exclude=["collection", "file_size", "file_hash"])
        except ValidationError as error:
            raise self.fail(
                f"the image '{record['title']}' is refused: {error}"
            ) from None
        image.save()
        self.maps["image"][record["id"]] = image.pk

    def _picture(self, record: dict[str, Any]) -> None:
        """A member's picture, cleaned as an upload is (resized, re-encoded)."""
        member = self.ref("member", record["member"], what="a picture")
        if member is None:
            raise self.fail("a picture names no member.")
        try:
            data = base64.b64decode(record["data"], validate=True)
        except (binascii.Error, TypeError):
            raise self.fail("the picture's data is not base64.") from None
        if self.result.dry_run:  # which writes no files
            return
        try:
            community.picture_set(
                member=get_user_model().objects.get(pk=member), data=data
            )
        except InvalidInput as error:
            raise self.fail(f"a member's picture is refused: {error.message}") from None

    def _imported(self, record: dict[str, Any]) -> None:
        """An earlier import's record: what its source's id became here."""
        kind = record["kind"]
        if kind not in IMPORTED:
            raise self.fail(f"an import's record of a '{kind}' is not known here.")
        old = record["object"]
        if old is None and kind != "member":
            raise self.fail(f"an import's record names no {kind}.")
        # A member who deleted their account stays gone: no account has id 0.
        new = 0 if old is None else self.ref(kind, old, what="an import's record")
        ImportedRecord.objects.update_or_create(
            source=record["source"],
            kind=kind,
            source_id=str(record["source_id"]),
            defaults={
                "object_id": new,
                "imported_at": tables.decode(
                    ImportedRecord, "imported_at", record["imported_at"], self.shift
                ),
            },
        )

    def _member(self, record: dict[str, Any]) -> None:
        User = get_user_model()
        username, email = record["username"], record["email"] or ""
        same = User.objects.filter(username__iexact=username).first()
        if same is not None and same.email.lower() == email.lower():
            self.maps["member"][record["id"]] = same.pk
            self.result.members_matched += 1
            return
        wanted, n = username, 1
        while User.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{wanted}-{n}"
        if username != wanted:
            self.result.notes.append(
                f"The member '{wanted}' is restored as '{username}': this site "
                "has another account by that name."
            )
        user = User(
            username=username,
            email=email,
            first_name=record["first_name"],
            last_name=record["last_name"],
            is_active=record["is_active"],
            is_staff=record["is_staff"],
            is_superuser=record["is_superuser"],
            date_joined=tables.decode(
                User, "date_joined", record["date_joined"], self.shift
            ),
            last_login=tables.decode(
                User, "last_login", record["last_login"], self.shift
            ),
        )
        user.set_unusable_password()  # passwords do not travel: a reset mail does
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise self.fail(f"the member '{wanted}' is refused: {error}") from None
        user.save()
        if record["groups"]:
            user.groups.set(
                Group.objects.get_or_create(name=name)[0] for name in record["groups"]
            )
        if email:
            EmailAddress.objects.create(
                user=user,
                email=email,
                verified=bool(record["email_verified"]),
                primary=True,
            )
        if user.is_staff or user.is_superuser:
            role = "a superuser" if user.is_superuser else "staff"
            self.result.notes.append(
                f"'{username}' is {role}: they set a password through "
                "'Forgot your password?' before they can sign in."
            )
        self.maps["member"][record["id"]] = user.pk

    # --- pages --------------------------------------------------------------

    def _page(self, kind: str, record: dict[str, Any]) -> None:
        model, own = PAGE_TYPES[kind]
        values = {
            name: tables.decode(model, name, record[name], self.shift)
            for name in (*PAGE_FIELDS, *own)
        }
        live = bool(values.pop("live"))
        first = values.pop("first_published_at")
        last = values.pop("last_published_at")
        if kind == "author":
            values["photo_id"] = self.ref("image", record["photo"], what="the author")
            values["user_id"] = self.ref("member", record["member"], what="the author")
            values["bio"] = self._links(values["bio"])
        if kind == "article":
            values["author_id"] = self.ref("page", record["author"], what="the article")
            values["lead_image_id"] = self.ref(
                "image", record["lead_image"], what="the article"
            )
            values["body"] = json.dumps(self._body(record["body"]))
        if kind == "home":
            page: Page = newsroom.home_page_ensure(title=values["title"])
            values.pop("slug")  # the front page is at / whatever its slug
            for name, value in values.items():
                setattr(page, name, value)
            self.home = page
        else:
            parent = self.ref("page", record["parent"], what=f"the {kind}")
            if parent is None:
                raise self.fail(f"the {kind} '{values['slug']}' has no parent page.")
            parent_page = Page.objects.get(pk=parent)
            page = model(**values)
            if kind == "article":
                page.tags.add(*record["tags"])
            page.live = live
            try:
                parent_page.add_child(instance=page)
            except ValidationError as error:
                raise self.fail(
                    f"the {kind} '{values['slug']}' is refused: {error}"
                ) from None
        if live:
            newsroom.page_publish(page=page, clean=False)
        else:
            page.save()
            page.save_revision(clean=False)
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=first, last_published_at=last
        )
        self.maps["page"][record["id"]] = page.pk

    def _links(self, html: str) -> str:
        """Links to pages of the file, pointed at what they became."""

        def mapped(match: re.Match[str]) -> str:
            new = self.maps["page"].get(int(match.group(2)), match.group(2))
            return f"{match.group(1)}{new}{match.group(3)}"

        return PAGE_LINK.sub(mapped, html or "")

    def _body(self, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = []
        for block in blocks:
            block = dict(block)
            value = block["value"]
            if block["type"] in ("image", "map") and isinstance(value, dict):
                image = self.ref(
                    "image", value.get("image"), what="the article's picture"
                )
                block["value"] = dict(value, image=image)
            elif block["type"] == "paragraph" and isinstance(value, str):
                block["value"] = self._links(value)
            body.append(block)
        return body

    def _top_story(self, record: dict[str, Any]) -> None:
        article = self.ref("page", record["article"], what="the top story")
        self.top_stories.append(
            TopStory(article_id=article, sort_order=record["sort_order"])
        )

    def _top_stories(self) -> None:
        if not self.top_stories:
            return
        if self.home is None:
            raise self.fail("top stories come before the front page.")
        home = HomePage.objects.get(pk=self.home.pk)
        home.top_stories = self.top_stories
        self.top_stories = []
        last = home.last_published_at
        newsroom.page_publish(page=home, clean=False)
        HomePage.objects.filter(pk=home.pk).update(last_published_at=last)

    # --- rows -----------------------------------------------------------------

    def _row(self, table: Table, record: dict[str, Any]) -> None:
        model = table.model
        values = {
            name: tables.decode(model, name, record[name], self.shift)
            for name in table.fields
        }
        for name, target in table.refs.items():
            attname = tables.attname(model, name)
            values[attname] = self.ref(target, record[name], what=f"the {table.kind}")
        if table.match:
            self._matched(table, record, values)
            return
        if table.keep_ids:
            values["id"] = record["id"]
            if not isinstance(values["id"], int):
                raise self.fail(f"a {table.kind}'s id must be a number.")
            self.kept.setdefault(table.kind, set()).add(values["id"])
        if model is Comment:
            self._comment(values)
        if table.kind == "ledger":
            values["source"] = self._ledger_source(values["source"])
        self.pending_table = table
        self.pending.append(model(**values))
        if len(self.pending) >= BATCH:
            self._flush()

    def _ledger_source(self, source: str) -> str:
        """A vote's ledger line names its voter (``vote:comment:member``):
        the member's id here."""
        found = VOTE_SOURCE.match(source)
        if found is None:
            return source
        voter = self.ref("member", int(found.group(2)), what="the ledger line")
        return f"vote:{found.group(1)}:{voter}"

    def _matched(
        self, table: Table, record: dict[str, Any], values: dict[str, Any]
    ) -> None:
        key = values.pop(table.match)
        row, _ = table.model._default_manager.update_or_create(
            **{table.match: key}, defaults=values
        )
        self.maps.setdefault(table.kind, {})[record.get("id", key)] = row.pk

    def _comment(self, values: dict[str, Any]) -> None:
        """Path, depth and root from the parent; HTML from the text."""
        if values["thread_id"] != self.tree_thread:
            self.tree, self.tree_thread = {}, values["thread_id"]
        parent = values.get("parent_id")
        segment = path_segment(values["id"])
        if parent is None:
            path, depth, root = segment, 0, values["id"]
        elif parent in self.tree:
            parent_path, parent_depth, root = self.tree[parent]
            path, depth = f"{parent_path}/{segment}", parent_depth + 1
        else:
            raise self.fail(
                f"comment {values['id']} answers comment {parent}, which is not "
                "before it in the same thread."
            )
        self.tree[values["id"]] = (path, depth, root)
        values.update(path=path, depth=depth, root_id=root)
        body = values["body"]
        if body.strip():
            rendered = rendering.render_comment(body, read_more_chars=self.read_more)
            values.update(body_html=rendered.html, excerpt_html=rendered.excerpt_html)

    def _flush(self) -> None:
        if not self.pending:
            return
        table, rows = self.pending_table, self.pending
        assert table is not None
        self.pending, self.pending_table = [], None
        if table.replace:  # a member the site had: the file's rows win
            column = tables.attname(table.model, table.replace)
            table.model._default_manager.filter(
                **{f"{column}__in": [getattr(r, column) for r in rows]}
            ).delete()
        table.model._default_manager.bulk_create(rows)
