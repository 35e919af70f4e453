"""Time of the monitoring dashboard (/giam-sat/) for a 100-agency province.

    .venv/bin/python benchmarks/monitoring_bench.py --scale 100000 [--agencies 100] [--requests 10]

Loads the province with load_documents.py (agencies, people, documents over the last twelve
months; skipped when the database already holds documents), then adds in set-based SQL what
the dashboard reads and that loader leaves out: the registration audit events of registered
arrivals (one in twenty late), a delivery per second electronic arrival (status 01 while not
registered), the main file of every issued document with a signature check on nine in ten
(one in ten of those without the agency seal), and one lead assignment per forwarded
arrival when the processing app has its Assignment model.

Measured in-process with Django's test Client, logged in as an administrator (the whole
province), for the last full month and for the last twelve months, against an empty Django
view in the same run. Uses its own SQLite file (var/bench/monitoring_bench.sqlite3) unless
DATABASE_URL is set. Target (issue 5): under 2 s at 1,000,000 documents on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, database_label, machine_label, phase, setup_django  # noqa: E402

WARM_UP = 2


def _uuid_sql(vendor: str) -> str:
    return "gen_random_uuid()" if vendor == "postgresql" else "lower(hex(randomblob(16)))"


def _uuid_text_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"{column}::text"
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return "lower(" + " || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts) + ")"


def _plus(vendor: str, column: str, hours: int) -> str:
    if vendor == "postgresql":
        return f"{column} + interval '{hours} hours'"
    return f"strftime('%Y-%m-%d %H:%M:%f', {column}, '+{hours} hours')"


def add_monitoring_rows() -> dict:
    from django.db import connection

    from vanthu.monitoring.queries import assignment_model

    vendor = connection.vendor
    counts = {}
    with connection.cursor() as cursor:
        late, on_time = _plus(vendor, "arrived_at", 75), _plus(vendor, "arrived_at", 1)
        object_id = _uuid_text_sql(vendor, "public_id")
        json = "::jsonb" if vendor == "postgresql" else ""
        statements = {
            "audit events": f"""
                INSERT INTO audit_auditevent
                    (at, actor_id, agency_id, action, object_type, object_id, note, request_id)
                SELECT CASE WHEN id % 20 = 0 THEN {late} ELSE {on_time} END, created_by_id,
                       agency_id, 'document.registered', 'documents.document', {object_id}, '', ''
                FROM documents_document
                WHERE direction = 'incoming' AND arrival_number IS NOT NULL""",
            "deliveries": f"""
                INSERT INTO exchange_delivery (public_id, document_id, recipient_id, transport,
                    status, incoming_document_id, created_at, updated_at)
                SELECT {_uuid_sql(vendor)}, id, agency_id, 'local',
                       CASE WHEN status = 'arrived' THEN '01' ELSE '03' END, id,
                       arrived_at, arrived_at
                FROM documents_document
                WHERE direction = 'incoming' AND channel = 'electronic' AND id % 2 = 0""",
            "main files": f"""
                INSERT INTO documents_fileversion (public_id, document_id, kind, version,
                    original_name, storage_name, sha256, size, mime_type, created_at)
                SELECT {_uuid_sql(vendor)}, id, 'main', 1, 'van-ban.pdf', 'bench', 'bench', 1,
                       'application/pdf', issued_at
                FROM documents_document WHERE status = 'issued'""",
            "signature checks": f"""
                INSERT INTO signing_signaturecheck (file_version_id, verdict, report, checked_at)
                SELECT id, 'valid', CASE WHEN document_id % 10 = 1
                    THEN '{{"has_personal": true, "has_agency": false}}'
                    ELSE '{{"has_personal": true, "has_agency": true}}' END{json}, created_at
                FROM documents_fileversion WHERE kind = 'main' AND document_id % 10 <> 0""",
        }
        model = assignment_model()
        if model is not None:
            if vendor == "postgresql":
                today, due = "CURRENT_DATE", "CAST(d.arrived_at AS date) + 7"
            else:
                today, due = "date('now')", "date(d.arrived_at, '+7 days')"
            # Two in three finished (one of them after its date), one in three still open.
            completed = (
                f"CASE WHEN d.id % 3 = 0 THEN NULL WHEN d.id % 3 = 1 "
                f"THEN {_plus(vendor, 'd.arrived_at', 100)} "
                f"ELSE {_plus(vendor, 'd.arrived_at', 200)} END"
            )
            statements["assignments"] = f"""
                INSERT INTO {model._meta.db_table} (public_id, document_id, agency_id, role,
                    assignee_user_id, assigned_by_id, due_on, directive, status, result_note,
                    completed_at, created_at)
                SELECT {_uuid_sql(vendor)}, d.id, d.agency_id, 'lead', f.to_user_id, f.by_id,
                    {due}, '', CASE WHEN d.id % 3 = 0 THEN 'open' ELSE 'done' END, '',
                    {completed}, d.arrived_at
                FROM documents_document d JOIN documents_forward f
                    ON f.document_id = d.id AND f.to_user_id IS NOT NULL
                WHERE d.status = 'forwarded' AND {due} <= {today}"""
        # What the application stores with the arrival number (documents 0006): the moment
        # of registration, the same as the audit event above.
        registered = f"""
            UPDATE documents_document
            SET registered_at = CASE WHEN id % 20 = 0 THEN {late} ELSE {on_time} END
            WHERE direction = 'incoming' AND arrival_number IS NOT NULL
              AND registered_at IS NULL"""
        for label, sql in statements.items():
            table = sql.split("INSERT INTO", 1)[1].split()[0]
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
            if cursor.fetchone()[0]:
                print(f"  {label}: {table} already holds rows, not adding again")
                continue
            with phase(label):
                cursor.execute(sql)
                counts[label] = cursor.rowcount
        with phase("registration moments"):
            cursor.execute(registered)
            counts["registration moments"] = cursor.rowcount
        statement = "VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE"
        with phase(statement):
            cursor.execute(statement)
    return counts


def measure(client, url: str, requests: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, response.status_code, len(queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="documents to load")
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["VANTHU_SQLITE_PATH"] = str(BENCH_DIR / "monitoring_bench.sqlite3")
    setup_django()
    import load_documents
    from django.test import Client, override_settings
    from django.utils import timezone
    from document_rows import DocumentFactory

    from vanthu.directory.models import User
    from vanthu.documents.models import Document
    from vanthu.monitoring.period import Period

    class Factory(DocumentFactory):
        # The shared loader predates the verification code (unique, null until a document
        # is stamped); none of the loaded documents has one.
        def _default(self, field):
            return None if field.column == "verification_code" else super()._default(field)

    load_documents.DocumentFactory = Factory
    print(f"{machine_label()}\n{database_label()}")
    load_documents.load(args.scale, args.agencies)
    print(add_monitoring_rows())
    documents = Document.objects.count()
    admin, _ = User.objects.get_or_create(
        username="bench.admin", defaults={"full_name": "Quản trị thử tải", "is_superuser": True}
    )
    month = Period.current_month()
    last = Period(
        (month.date_from - timedelta(days=1)).replace(day=1), month.date_from - timedelta(days=1)
    )
    year = Period(
        month.date_from.replace(year=month.date_from.year - 1), month.date_from - timedelta(days=1)
    )
    pages = [
        ("empty Django view (baseline)", "/__bench__/empty/"),
        (f"dashboard, last full month ({last.label})", f"/giam-sat/?{last.query()}"),
        (f"dashboard, twelve months ({year.label})", f"/giam-sat/?{year.query()}"),
        ("dashboard XLSX, last full month", f"/giam-sat/?{last.query()}&format=xlsx"),
    ]
    print(f"\n{documents} documents, {args.agencies} agencies, {timezone.now():%Y-%m-%d}")
    print(f"{'page':58} {'status':>6} {'queries':>7} {'p50 ms':>9} {'max ms':>9} {'ratio':>8}")
    with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(admin)
        baseline = None
        for label, url in pages:
            timings, status, queries = measure(client, url, args.requests)
            p50 = statistics.median(timings)
            baseline = baseline or p50
            print(
                f"{label:58} {status:>6} {queries:>7} {p50:>9.1f} {max(timings):>9.1f} "
                f"{p50 / baseline:>8.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
