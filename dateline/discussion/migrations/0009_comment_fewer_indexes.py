"""Drop the comment table's three indexes that serve no query.

``root`` is indexed by ``comment_branch`` (root, path) and ``author`` by
``comment_by_member`` (author, created_at); ``path`` is only ever read
within a branch. Each index was one more page written by every post.

Only the indexes go: on SQLite, Django would rebuild the whole comment
table three times to alter these fields, which on a site of a million
comments is minutes with the database locked.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = [
    ("discussion_comment_root_id_f40ea2bb", "root_id"),
    ("discussion_comment_author_id_e6fa51d3", "author_id"),
    ("discussion_comment_path_99cddafe", "path"),
]


def _drop(apps, schema_editor):
    names = [name for name, _column in DROPPED]
    if schema_editor.connection.vendor == "postgresql":
        names.append("discussion_comment_path_99cddafe_like")  # its LIKE twin
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _restore(apps, schema_editor):
    for name, column in DROPPED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "discussion_comment" ("{column}")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0008_common_ground"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="author",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="comments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="path",
                    field=models.CharField(blank=True, max_length=255),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="root",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="discussion.comment",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, _restore)],
        ),
    ]
