"""Partial indexes over the open lines only, in the order the lists show them.

Measured at 1,000,000 documents / 3,000,000 lines (docs/PERFORMANCE.md): with the
(x, status, due_on) indexes an IN over two statuses cannot hand rows over in due_on order,
so PostgreSQL read every line of the agency (or person) and sorted it; the overdue list of
the provincial committee read 350,000 index entries for 25 rows. Open lines are about a
tenth of all, and only they are listed, counted in the navigation bar or swept.
"""

from django.db import migrations, models

OPEN = models.Q(status__in=["open", "in_progress"])


class Migration(migrations.Migration):
    dependencies = [("processing", "0001_assignments")]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["assignee_user", "due_on", "id"],
                condition=OPEN,
                name="assignment_open_user_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["assignee_department", "due_on", "id"],
                condition=OPEN,
                name="assignment_open_dept_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["agency", "due_on", "id"],
                condition=OPEN,
                name="assignment_open_agency_idx",
            ),
        ),
    ]
