"""Audit entries and badge grants out of Wagtail's reference index.

Listing them in the admin had put both in the index, and every entry saved
queued an index update. They are no longer indexed (``add_to_reference_index
= False`` in ``community/wagtail_hooks.py``); this removes the rows sites
wrote before, which counted as "usage" of the members, comments and pages
the records name.
"""

from django.db import migrations
from django.db.models import Q

RECORDS = Q(app_label="core", model="auditentry") | Q(
    app_label="community", model="badgegrant"
)


def forget(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    records = list(ContentType.objects.filter(RECORDS).values_list("pk", flat=True))
    if records:
        ReferenceIndex.objects.filter(
            Q(content_type__in=records) | Q(base_content_type__in=records)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search_stemming"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0078_referenceindex"),
    ]

    # Nothing to put back: an index update would write them again.
    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
