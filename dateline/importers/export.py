"""Write the whole site to a Dateline export (``docs/export-format.md``).

Streamed: rows are read a few thousand at a time and written as they come,
so the memory it takes does not grow with the site. The file is written
beside its final name and renamed when whole; its last record counts what
it holds, which is how a restore tells a cut-off file from a whole one.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, When
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from dateline.community.models import MemberPicture
from dateline.discussion.models import Comment, Thread
from dateline.importers import tables
from dateline.importers.models import ImportedRecord
from dateline.importers.tables import Table
from dateline.newsroom.models import (
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
    TopStory,
)

CHUNK = 2000
PAGE_FIELDS = (
    "title",
    "slug",
    "seo_title",
    "search_description",
    "show_in_menus",
    "live",
    "first_published_at",
    "last_published_at",
)
# Each page type after its parent's; the fields of its own.
PAGES: tuple[tuple[str, type[Page], tuple[str, ...]], ...] = (
    ("home", HomePage, ("tagline",)),
    ("section", SectionPage, ("description",)),
    ("author_index", AuthorIndexPage, ("intro",)),
    ("author", AuthorPage, ("role", "short_bio", "bio")),
    (
        "article",
        ArticlePage,
        (
            "standfirst",
            "dateline_place",
            "dateline_time_zone",
            "filed_at",
            "lead_image_caption",
        ),
    ),
)

Progress = Callable[[Counter[str]], None]


class _Out:
    def __init__(self, stream: TextIO, progress: Progress | None) -> None:
        self.stream = stream
        self.counts: Counter[str] = Counter()
        self.missing_files = 0  # images whose file is gone from the media folder
        self.progress = progress

    def put(self, record: dict[str, Any]) -> None:
        self.stream.write(
            json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        )
        self.counts[record["type"]] += 1
        if self.progress and sum(self.counts.values()) % 5000 == 0:
            self.progress(self.counts)


def _rows(queryset: models.QuerySet, order: tuple[str, ...] = ("pk",)) -> Iterator[Any]:
    return queryset.order_by(*order).iterator(chunk_size=CHUNK)


def _images(out: _Out) -> None:
    for image in _rows(get_image_model().objects.all()):
        try:
            with image.file.open("rb") as handle:
                data: str | None = base64.b64encode(handle.read()).decode("ascii")
        except OSError:
            data = None
            out.missing_files += 1
        out.put(
            {
                "type": "image",
                "id": image.pk,
                "title": image.title,
                "file_name": os.path.basename(image.file.name),
                "focal_point": [
                    image.focal_point_x,
                    image.focal_point_y,
                    image.focal_point_width,
                    image.focal_point_height,
                ]
                if image.focal_point_x is not None
                else None,
                "created_at": tables.encode(image.created_at),
                "data": data,
            }
        )


def _members(out: _Out) -> None:
    verified = dict(
        EmailAddress.objects.filter(primary=True).values_list("user_id", "verified")
    )
    users = get_user_model().objects.prefetch_related("groups")
    for user in _rows(users):
        out.put(
            {
                "type": "member",
                "id": user.pk,
                "username": user.get_username(),
                "email": user.email,
                "email_verified": verified.get(user.pk, False),
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
                "groups": sorted(g.name for g in user.groups.all()),
                "date_joined": tables.encode(user.date_joined),
                "last_login": tables.encode(user.last_login),
            }
        )


def _pictures(out: _Out) -> None:
    """Members' pictures, each its file (base64), after the members."""
    for picture in _rows(MemberPicture.objects.all(), ("member_id",)):
        try:
            with picture.image.open("rb") as handle:
                data = base64.b64encode(handle.read()).decode("ascii")
        except OSError:  # gone from the media folder: the member has initials
            out.missing_files += 1
            continue
        out.put({"type": "picture", "member": picture.member_id, "data": data})


def _page_record(
    kind: str, page: Page, own: tuple[str, ...], parent: int | None
) -> dict[str, Any]:
    record: dict[str, Any] = {"type": kind, "id": page.pk, "parent": parent}
    for name in (*PAGE_FIELDS, *own):
        record[name] = tables.encode(getattr(page, name))
    return record


def _pages(out: _Out) -> None:
    ids_by_path: dict[str, int] = {}
    for kind, model, own in PAGES:
        queryset = model.objects.order_by("path")
        if model is ArticlePage:
            queryset = queryset.prefetch_related("tags")
        for page in queryset.iterator(chunk_size=CHUNK):
            ids_by_path[page.path] = page.pk
            parent = ids_by_path.get(page.path[: -Page.steplen])
            record = _page_record(kind, page, own, parent)
            if isinstance(page, AuthorPage):
                record["photo"] = page.photo_id
                record["member"] = page.user_id
            if isinstance(page, ArticlePage):
                record["author"] = page.author_id
                record["lead_image"] = page.lead_image_id
                record["tags"] = sorted(t.name for t in page.tags.all())
                record["body"] = list(page.body.raw_data)
            out.put(record)
    for story in _rows(TopStory.objects.all()):
        out.put(
            {
                "type": "top_story",
                "id": story.pk,
                "home": story.page_id,
                "article": story.article_id,
                "sort_order": story.sort_order,
            }
        )


def _table(out: _Out, table: Table) -> None:
    model = table.model
    for row in _rows(model._default_manager.all(), table.order):
        record: dict[str, Any] = {"type": table.kind}
        if model._meta.pk.name not in table.refs:
            record["id"] = row.pk
        for name in table.fields:
            record[name] = tables.encode(getattr(row, name))
        for name in table.refs:
            record[name] = getattr(row, tables.attname(model, name))
        out.put(record)


# What an import's record may stand for.
IMPORTED = ("member", "thread", "comment")


def _imported(out: _Out) -> None:
    """What earlier imports brought, by their sources' ids, so running one
    again on the restored site adds nothing twice. ``object`` is the member,
    thread or comment it became; null for a member who deleted their account
    here (a new import does not bring them back)."""
    models_of: dict[str, type[models.Model]] = {
        "member": get_user_model(),
        "thread": Thread,
        "comment": Comment,
    }
    rows = ImportedRecord.objects.filter(kind__in=IMPORTED).annotate(
        here=Case(
            *(
                When(
                    kind=kind,
                    then=Exists(
                        model._default_manager.filter(pk=OuterRef("object_id"))
                    ),
                )
                for kind, model in models_of.items()
            ),
            output_field=BooleanField(),
        )
    )
    for row in _rows(rows):
        if not row.here and row.kind != "member":
            continue  # deleted since (a thread and its comments): imported anew
        out.put(
            {
                "type": "imported",
                "source": row.source,
                "kind": row.kind,
                "source_id": row.source_id,
                "object": row.object_id if row.here else None,
                "imported_at": tables.encode(row.imported_at),
            }
        )


@dataclass
class Exported:
    counts: Counter[str]  # records of each type
    missing_files: int  # images written without their file (gone from media)


def export_site(stream: TextIO, progress: Progress | None = None) -> Exported:
    """Write every record to ``stream``."""
    out = _Out(stream, progress)
    out.put(
        {
            "type": "header",
            "format": tables.FORMAT,
            "version": tables.VERSION,
            "exported_at": tables.encode(timezone.now()),
        }
    )
    _images(out)
    _members(out)
    _pictures(out)
    _pages(out)
    for table in tables.MATCHED + tables.KEPT + tables.AFTER:
        _table(out, table)
    _imported(out)
    counts = Counter({k: v for k, v in out.counts.items() if k != "header"})
    out.put({"type": "end", "counts": dict(counts)})
    return Exported(counts, out.missing_files)


def export_to(path: Path, progress: Progress | None = None) -> Exported:
    """Write the export to ``path`` (gzip), renamed into place when whole."""
    partial = path.with_name(path.name + ".partial")
    try:
        with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as stream:
            done = export_site(stream, progress)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return done
