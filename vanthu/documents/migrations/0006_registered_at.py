from django.db import migrations, models

# public_id as the text str(uuid) gives, the form audit events keep in object_id:
# PostgreSQL prints a uuid that way, SQLite stores 32 hex digits that are re-hyphenated.
_UUID_TEXT = {
    "postgresql": "documents_document.public_id::text",
    "sqlite": "lower("
    + " || '-' || ".join(
        f"substr(documents_document.public_id, {a}, {n})"
        for a, n in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    )
    + ")",
}


def backfill(apps, schema_editor):
    """registered_at of every registered arrival from its first "document.registered" event,
    in one statement (the (object_type, object_id, at) index of the audit log serves it)."""
    connection = schema_editor.connection
    uuid_text = _UUID_TEXT.get(connection.vendor)
    if uuid_text is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE documents_document SET registered_at = (
                SELECT MIN(e.at) FROM audit_auditevent e
                WHERE e.object_type = 'documents.document'
                  AND e.object_id = {uuid_text}
                  AND e.action = 'document.registered')
            WHERE direction = 'incoming' AND arrival_number IS NOT NULL
            """  # noqa: S608 - no user input: fixed SQL per database vendor
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_copies_and_verification_code"),
        ("audit", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="registered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ngày vào sổ"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
