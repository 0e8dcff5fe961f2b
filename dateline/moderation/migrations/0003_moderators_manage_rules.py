"""Moderators edit the banned words and link rules (Moderation in the admin)."""

from django.db import migrations

from dateline.core.group_permissions import grant_to_group

CODENAMES = [
    f"{verb}_{model}"
    for model in ("bannedphrase", "linkrule")
    for verb in ("add", "change", "delete", "view")
]


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_review"),
        ("discussion", "0003_moderators_moderate"),
    ]

    operations = [
        migrations.RunPython(*grant_to_group("Moderators", "moderation", CODENAMES))
    ]
