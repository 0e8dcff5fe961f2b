"""Moderators edit the banned words and link rules (Moderation in the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("bannedphrase", "linkrule")
CODENAMES = [f"{verb}_{model}" for model in MODELS for verb in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    config = apps.get_app_config("moderation")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="moderation", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="moderation", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_review"),
        ("discussion", "0003_moderators_moderate"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
