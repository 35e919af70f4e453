from django.db import migrations

from vanthu.documents.types_data import load_document_types


def load_types(apps, schema_editor):
    load_document_types(apps.get_model("documents", "DocumentType"))


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load_types, migrations.RunPython.noop)]
