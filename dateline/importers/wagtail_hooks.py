"""Admin: the import page (site owners only)."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from dateline.importers import views


class OwnerMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.is_superuser)


@hooks.register("register_admin_urls")
def import_urls() -> list[Any]:
    return [
        path("imports/", views.start, name="importers_start"),
        path("imports/<int:run_id>/", views.run_detail, name="importers_run"),
    ]


@hooks.register("register_settings_menu_item")
def import_menu_item() -> MenuItem:
    return OwnerMenuItem(
        _("Import comments"), reverse("importers_start"), icon_name="download"
    )
