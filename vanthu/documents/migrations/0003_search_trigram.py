"""On PostgreSQL, a trigram GIN index makes the folded substring search an index scan at
millions of rows. SQLite has no such index type; there the migration does nothing."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS documents_search_trgm
    ON documents_document USING gin (search_text gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS documents_search_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_document_types")]
    operations = [migrations.RunPython(forwards, backwards)]
