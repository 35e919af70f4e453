"""Bulk-load a province-sized volume of documents for the page benchmarks.

    .venv/bin/python benchmarks/load_documents.py --documents 100000 [--agencies 100]

Agencies (one UBND tỉnh, sở and xã), their departments and people, then N documents over the
last twelve months, half incoming and half outgoing, with the yearly numbers, statuses,
forwards and folded search text the application itself writes.

Why not through the actions: an action creates one document in tens of milliseconds (checks,
audit, counters, delivery), so a million would take most of a day on two cores, and these
benchmarks measure reading pages, not writing documents. The rows are written directly, in
large batches: PostgreSQL COPY (secondary indexes dropped during the load and rebuilt after,
foreign-key triggers paused, then VACUUM ANALYZE), SQLite executemany in one transaction. Audit
events, deliveries and stored files are not loaded: none of the measured pages reads them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime

from common import BENCH_PASSWORD, phase, setup_django
from document_rows import DocumentFactory

UNITS = (
    ("VP", "Văn phòng"),
    ("KT", "Phòng Kinh tế"),
    ("VX", "Phòng Văn xã"),
    ("NC", "Phòng Nội chính"),
)
SPECIALISTS_PER_UNIT = 2
BATCH = 5000


def agency_plan(count: int) -> list[dict]:
    """UBND tỉnh first (the largest), then sở and xã/phường; codes in QCVN 102 form."""
    plans = [dict(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Nghệ An", abbr="UBND")]
    departments = min(39, (count - 1) * 2 // 5)
    for i in range(1, departments + 1):
        plans.append(dict(code=f"000.{i:02d}.00.H41", name=f"Sở thử tải {i:02d}", abbr=f"S{i:02d}"))
    for i in range(1, count - departments):
        name = f"Ủy ban nhân dân xã Thử Tải {i:03d}"
        plans.append(dict(code=f"{i:03d}.00.10.H41", name=name, abbr="UBND"))
    return plans


def build_directory(count: int) -> list[dict]:
    from django.contrib.auth.hashers import make_password

    from vanthu.directory.models import Agency, Department, Membership, Position, Role, User

    position = {
        name: Position.objects.get_or_create(name=name, defaults={"rank": rank})[0]
        for name, rank in (("Chủ tịch", 1), ("Phó Chủ tịch", 2), ("Trưởng phòng", 10))
        + (("Chuyên viên", 30), ("Văn thư", 40))
    }
    plans = agency_plan(count)
    agencies = Agency.objects.bulk_create(
        Agency(code=p["code"], name=p["name"], abbreviation=p["abbr"]) for p in plans
    )
    departments = Department.objects.bulk_create(
        Department(agency=a, code=code, name=name) for a in agencies for code, name in UNITS
    )
    password = make_password(BENCH_PASSWORD)  # one hash: throw-away accounts
    people = []  # (agency index, username, role, unit, position)
    for i in range(len(agencies)):
        people += [(i, f"b{i:03d}.clerk", Role.CLERK, "VP", "Văn thư")]
        people += [(i, f"b{i:03d}.head", Role.AGENCY_LEADER, None, "Chủ tịch")]
        people += [(i, f"b{i:03d}.deputy", Role.AGENCY_LEADER, None, "Phó Chủ tịch")]
        for unit, _ in UNITS:
            u = unit.lower()
            people += [(i, f"b{i:03d}.lead.{u}", Role.DEPARTMENT_LEADER, unit, "Trưởng phòng")]
            people += [
                (i, f"b{i:03d}.spec.{u}{k}", Role.SPECIALIST, unit, "Chuyên viên")
                for k in range(SPECIALISTS_PER_UNIT)
            ]
    users = User.objects.bulk_create(
        User(username=name, full_name=f"Người dùng {name}", password=password)
        for _, name, *_ in people
    )
    dept = {(d.agency_id, d.code): d for d in departments}
    Membership.objects.bulk_create(
        Membership(
            user=user,
            agency=agencies[i],
            department=dept[(agencies[i].pk, unit)] if unit else None,
            role=role,
            position=position[pos],
        )
        for user, (i, _, role, unit, pos) in zip(users, people, strict=True)
    )
    by_name = {u.username: u.pk for u in users}
    result = []
    for i, (agency, plan) in enumerate(zip(agencies, plans, strict=True)):
        p = f"b{i:03d}."
        result.append(
            dict(
                pk=agency.pk,
                name=agency.name,
                code=agency.code,
                abbr=plan["abbr"],
                units={code: dept[(agency.pk, code)].pk for code, _ in UNITS},
                clerk=by_name[p + "clerk"],
                leaders=[by_name[p + "head"], by_name[p + "deputy"]],
                unit_leader={c: by_name[f"{p}lead.{c.lower()}"] for c, _ in UNITS},
                specialists={
                    c: [by_name[f"{p}spec.{c.lower()}{k}"] for k in range(SPECIALISTS_PER_UNIT)]
                    for c, _ in UNITS
                },
            )
        )
    return result


def shares(count: int) -> list[float]:
    """Zipf-like sizes (s = 0.8): the provincial committee handles about a ninth of all."""
    weights = [1 / (rank**0.8) for rank in range(1, count + 1)]
    total = sum(weights)
    return [w / total for w in weights]


class Writer:
    """Append rows to a table: COPY on PostgreSQL, executemany batches on SQLite."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection

        self.connection = connection
        self.table = model._meta.db_table
        self.columns = columns
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        q = self.connection.ops.quote_name
        names = ", ".join(q(c) for c in self.columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {q(self.table)} ({names}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(self.columns))
                cursor.cursor.executemany(
                    f"INSERT INTO {q(self.table)} ({names}) VALUES ({marks})",  # noqa: S608
                    self.rows,
                )
        self.count += len(self.rows)
        self.rows = []


def prepare_postgres_load(tables: list[str]) -> list[str]:
    """Drop the secondary indexes of `tables` and return their definitions. Building an index
    once over a million rows is several times faster than maintaining it row by row (the
    trigram GIN index on search_text most of all)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s)
              AND i.indexname NOT IN (SELECT conname FROM pg_constraint)
            """,
            [tables],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        # Foreign keys are checked by triggers, one lookup per row and key: pause them
        # for this session's load (the loader only writes keys it has just created).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
    return [definition for _, definition in found]


def finish_postgres_load(definitions: list[str], tables: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        for definition in definitions:
            cursor.execute(definition)
        for table in tables:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",  # noqa: S608
                [table],
            )


def rebuild_counters() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM documents_numbercounter")
        cursor.execute(
            """
            INSERT INTO documents_numbercounter (agency_id, year, series, last_value)
            SELECT agency_id, year, series, MAX(number) FROM documents_document
            WHERE direction = 'outgoing' AND number IS NOT NULL
            GROUP BY agency_id, year, series
            UNION ALL
            SELECT agency_id, year, 'incoming', MAX(arrival_number) FROM documents_document
            WHERE direction = 'incoming' AND arrival_number IS NOT NULL
            GROUP BY agency_id, year
            """
        )


def load(documents: int, agencies: int, seed: int = 2026) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from vanthu.documents.models import Document, Forward

    with phase("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    existing = Document.objects.count()
    if existing:
        print(f"  the database already holds {existing} documents: not loading again")
        return {"documents": existing, "seconds": 0.0, "reused": True}
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    tables = [Document._meta.db_table, Forward._meta.db_table]
    with transaction.atomic():
        with phase(f"directory: {agencies} agencies, departments, people"):
            directory = build_directory(agencies)
        definitions = prepare_postgres_load(tables) if connection.vendor == "postgresql" else []
        factory = DocumentFactory(directory, rng, now, connection.vendor)
        docs = Writer(Document, factory.columns)
        forward_columns = ["public_id", "document_id", "to_user_id", "to_department_id", "by_id"]
        forwards = Writer(Forward, [*forward_columns, "note", "at", "read_at"])
        readers = Writer(Document.named_readers.through, ["document_id", "user_id"])
        enc = factory.enc
        with phase(f"documents: {documents} rows with forwards"):
            sizes = [round(documents * s) for s in shares(len(directory))]
            sizes[0] += documents - sum(sizes)
            for a, size in zip(directory, sizes, strict=True):
                for row, doc_forwards, doc_readers in factory.agency_rows(a, size):
                    docs.add(row)
                    for doc_id, user, dept, by, at, read in doc_forwards:
                        public = enc.uuid(uuid.UUID(int=rng.getrandbits(128), version=4))
                        forwards.add(
                            (public, doc_id, user, dept, by, "", enc.moment(at), enc.moment(read))
                        )
                    for user in doc_readers:
                        readers.add((row[0], user))
            for writer in (docs, forwards, readers):
                writer.flush()
        if definitions:
            with phase(f"rebuild {len(definitions)} indexes"):
                finish_postgres_load(definitions, tables)
        rebuild_counters()
    # VACUUM as well on PostgreSQL: index-only scans need the visibility map that autovacuum
    # would have written by the time a real table holds a million rows.
    statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with phase(statement), connection.cursor() as cursor:
        cursor.execute(statement)
    seconds = time.perf_counter() - started
    print(
        f"  loaded {docs.count} documents, {forwards.count} forwards in {seconds:.0f} s "
        f"({docs.count / seconds:.0f} documents/s)"
    )
    return {"documents": docs.count, "forwards": forwards.count, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=100)
    args = parser.parse_args(argv)
    setup_django()
    load(args.documents, args.agencies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
