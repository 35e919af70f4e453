"""Leave room in each page of the assignment table for the sweep's stamps (PostgreSQL).

Every working day the reminder sweep writes `reminded_on` on the lines due soon — about
9,400 at province scale. That column is in no index, so PostgreSQL can rewrite the row in
place (a HOT update, one WAL record) when the row's page has room; a packed page forces a
new row version plus an entry in each of the table's nineteen indexes. Measured at
3,000,000 lines (docs/PERFORMANCE.md): 5,000 stamps cost 1.3 s on packed pages.
Lines of one document sit side by side and are reminded together, so 15 % of free space
per page holds a day's stamps. Existing pages keep their packing until rewritten
(VACUUM FULL, or as their rows are updated); new pages are filled to 85 %.
"""

from django.db import migrations

TABLE = "processing_assignment"


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("processing", "0002_open_work_indexes")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
