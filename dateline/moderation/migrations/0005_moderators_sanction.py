"""Moderators ban, suspend and shadow-ban (Moderation › Sanctions), set each
discussion's policy (Moderation › Discussions) and read the audit log."""

from django.db import migrations

from dateline.core.group_permissions import grant_to_group

SANCTIONS = [f"{verb}_sanction" for verb in ("add", "change", "delete", "view")]
THREADS = ["change_thread", "view_thread"]


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_sanctions"),
        ("discussion", "0005_moderation_state"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(*grant_to_group("Moderators", "moderation", SANCTIONS)),
        migrations.RunPython(*grant_to_group("Moderators", "discussion", THREADS)),
        migrations.RunPython(*grant_to_group("Moderators", "core", ["view_auditentry"])),
    ]
