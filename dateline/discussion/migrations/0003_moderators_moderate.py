"""Wagtail's "Moderators" group may moderate comments, as its name promises.

Wagtail creates the group for page moderation; Dateline's comment
moderation is the ``discussion.change_comment`` permission (see
``actions.can_moderate``). Runs once: a site owner may take it away again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = ["change_comment", "view_comment"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run.
    config = apps.get_app_config("discussion")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="discussion", codename__in=GRANTS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="discussion", codename__in=GRANTS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0002_alter_comment_status"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
