from django.db import migrations

from vanthu.documents.types_data import COPY_TYPES, DOCUMENT_TYPES


def load_types(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for order, (code, name, abbr, is_letter) in enumerate(DOCUMENT_TYPES + COPY_TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "abbreviation": abbr, "is_official_letter": is_letter, "ordering": order},
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load_types, migrations.RunPython.noop)]
