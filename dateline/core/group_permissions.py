"""Data migrations that give a group some of an app's model permissions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.management import create_permissions

Step = Callable[[Any, Any], None]


def grant_to_group(
    group_name: str, app_label: str, codenames: Sequence[str]
) -> tuple[Step, Step]:
    """``RunPython`` forwards and backwards steps for these permissions.

    Forwards creates the group if needed, and the permissions, which Django
    otherwise only creates after all migrations have run.
    """

    def permissions(apps: Any) -> Any:
        return apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )

    def forwards(apps: Any, schema_editor: Any) -> None:
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
        Group = apps.get_model("auth", "Group")
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*permissions(apps))

    def backwards(apps: Any, schema_editor: Any) -> None:
        Group = apps.get_model("auth", "Group")
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(*permissions(apps))

    return forwards, backwards


MODERATORS = "Moderators"
# What the data migrations give the Moderators group, as "app_label.codename".
MODERATOR_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "discussion.change_comment",
    "discussion.change_thread",
    "discussion.view_thread",
    "core.view_auditentry",
    *(
        f"moderation.{verb}_{model}"
        for model in ("bannedphrase", "linkrule", "sanction")
        for verb in ("add", "change", "delete", "view")
    ),
)


def ensure_group(name: str, permissions: Sequence[str]) -> Any:
    """The group, holding at least these permissions (``app_label.codename``).

    For the demo: a database flushed after migrating (tests) keeps the
    permissions but loses the grants the data migrations made.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.get_or_create(name=name)
    wanted = Q(pk__in=[])
    for dotted in permissions:
        app_label, _dot, codename = dotted.partition(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group
