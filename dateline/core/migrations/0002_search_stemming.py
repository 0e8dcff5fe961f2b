"""Search finds "strike" for "strikes": stemming in the full-text index.

SQLite: Wagtail's FTS5 table is made again with the porter tokenizer, filled
from the index entries it mirrors (its triggers keep it in step, by name).
PostgreSQL: the index is built with DATELINE_SEARCH_LANGUAGE's configuration
(settings); an index written before with another one is written again.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations

FTS = "wagtailsearch_indexentry_fts"
COLUMNS = "autocomplete, body, title"


def stem(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS]
            )
            if cursor.fetchone() is None:  # SQLite built without FTS5
                return
            cursor.execute(f"DROP TABLE {FTS}")
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS},"
                " tokenize = 'porter unicode61 remove_diacritics 2')"
            )
            cursor.execute(
                f"INSERT INTO {FTS} (rowid, {COLUMNS})"  # noqa: S608
                f" SELECT id, {COLUMNS} FROM wagtailsearch_indexentry"
            )
    elif connection.vendor == "postgresql":
        entries = apps.get_model("wagtailsearch", "IndexEntry")
        if entries.objects.exists():
            call_command("update_index", verbosity=0)


def unstem(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        cursor.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS})")
        cursor.execute(
            f"INSERT INTO {FTS} (rowid, {COLUMNS})"  # noqa: S608
            f" SELECT id, {COLUMNS} FROM wagtailsearch_indexentry"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(stem, unstem)]
