"""Moderators ban, suspend and shadow-ban (Moderation › Sanctions in the admin)."""

from django.db import migrations

from dateline.core.group_permissions import grant_to_group

CODENAMES = [f"{verb}_sanction" for verb in ("add", "change", "delete", "view")]


class Migration(migrations.Migration):
    dependencies = [("moderation", "0004_sanctions")]

    operations = [
        migrations.RunPython(*grant_to_group("Moderators", "moderation", CODENAMES))
    ]
