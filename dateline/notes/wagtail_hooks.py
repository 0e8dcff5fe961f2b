"""Admin: who writes notes and whose ratings count in full; the notes, which
moderators can hide (audited like every change made here)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSetGroup

from dateline.core.admin_views import AuditedModelViewSet
from dateline.notes import scoring
from dateline.notes.models import Note, NotesSetting


class NotesSettingIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        scoring.settings_row()  # the one row exists before it is listed
        return super().get_base_queryset()


class NotesSettingViewSet(AuditedModelViewSet):
    model = NotesSetting
    icon = "cog"
    menu_label = _("Notes settings")
    form_fields = ["writer_rank", "full_weight_points"]
    list_display = ["__str__", "writer_rank", "full_weight_points"]
    index_view_class = NotesSettingIndexView
    add_view_enabled = False


class NoteViewSet(AuditedModelViewSet):
    model = Note
    icon = "info-circle"
    menu_label = _("Notes")
    form_fields = ["hidden"]
    list_display = ["body", "kind", "status", "intercept", "hidden", "created_at"]
    list_filter = ["status", "kind", "hidden"]
    search_fields = ["body"]
    add_view_enabled = False


class NotesGroup(ModelViewSetGroup):
    menu_label = _("Context notes")
    menu_icon = "info-circle"
    menu_order = 260
    items = (NoteViewSet("notes"), NotesSettingViewSet("notes_settings"))


@hooks.register("register_admin_viewset")
def register_notes() -> NotesGroup:
    return NotesGroup()
