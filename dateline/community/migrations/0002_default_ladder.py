"""The default rank ladder; edit it in the admin (Community › Ranks)."""

from django.db import migrations

LADDER = [
    ("Newcomer", 0),
    ("Contributor", 20),
    ("Regular", 100),
    ("Trusted", 300),
    ("Veteran", 1000),
    ("Master", 3000),
]


def create_ladder(apps, schema_editor):
    Rank = apps.get_model("community", "Rank")
    if not Rank.objects.exists():
        Rank.objects.bulk_create(
            [Rank(name=name, min_points=points) for name, points in LADDER]
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(create_ladder, migrations.RunPython.noop)]
