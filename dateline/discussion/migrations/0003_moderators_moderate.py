"""Wagtail's "Moderators" group may moderate comments, as its name promises.

Wagtail creates the group for page moderation; Dateline's comment
moderation is the ``discussion.change_comment`` permission (see
``actions.can_moderate``). Runs once: a site owner may take it away again.
"""

from django.db import migrations

from dateline.core.group_permissions import grant_to_group


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0002_alter_comment_status"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(
            *grant_to_group(
                "Moderators", "discussion", ["change_comment", "view_comment"]
            )
        )
    ]
