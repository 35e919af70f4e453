"""The printable weekly calendar: A4 landscape, WeasyPrint, Noto Serif."""

from __future__ import annotations

from django.template.loader import render_to_string

from vanthu.schedule.rows import build_days


def render_week_pdf(data: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts on import, a cost every web process
    # would otherwise pay at start-up for a page few people open.
    from weasyprint import HTML

    html = render_to_string(
        "schedule/week_pdf.html", {**data, "days": build_days(data["monday"], data["rows"])}
    )
    return HTML(string=html).write_pdf()
