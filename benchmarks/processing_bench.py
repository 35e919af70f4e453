"""Assignments at province scale: "Việc của tôi", the leader's overdue list and the sweep.

    .venv/bin/python benchmarks/processing_bench.py --scale 0.01          # about a minute
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanthu_bench \\
        .venv/bin/python benchmarks/processing_bench.py --scale 1        # 1M documents, 3M lines

Loads documents with load_documents.py (1,000,000 × scale, unless the database holds some),
then six handling-slip lines per incoming document (half the documents are incoming, so
3,000,000 × scale lines): the lead department, its specialist (a re-assignment), a co-handling
person and department, two for-information lines. Dates follow the documents' arrival:
older work is mostly done, recent work open, some of it overdue. The reminder and
escalation stamps are set as a daily sweep would have left them yesterday, so the measured
sweep does one day's work — the steady state of a worker — not the backlog of years.

Figures: p50/p95 of the two pages (Django test Client, in-process, with the same-run empty
view as baseline, see measure_pages.py), and the time of the sweep, twice (the second run
must find nothing: idempotency).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import load_documents
from common import database_label, machine_label, phase, setup_django
from document_rows import Encoder

LINES_PER_INCOMING = 6


def _teach_loader_nullable_unique_columns() -> None:
    """document_rows refuses unique columns it does not know; verification_code (added with
    signing) is nullable and stays empty for loaded documents, as for any unsigned one."""
    import document_rows

    original = document_rows.DocumentFactory._default
    if getattr(original, "_processing_patched", False):
        return

    def _default(self, field):
        if field.column == "verification_code":
            return None
        return original(self, field)

    _default._processing_patched = True
    document_rows.DocumentFactory._default = _default


def _directory():
    from vanthu.directory.models import Department, Membership, Role

    units: dict[int, list[int]] = {}
    for dept in Department.objects.order_by("pk"):
        units.setdefault(dept.agency_id, []).append(dept.pk)
    specialists: dict[int, list[int]] = {}
    leaders: dict[int, int] = {}
    for m in Membership.objects.filter(role__in=[Role.SPECIALIST, Role.AGENCY_LEADER]).order_by(
        "pk"
    ):
        if m.role == Role.SPECIALIST:
            specialists.setdefault(m.department_id, []).append(m.user_id)
        else:
            leaders.setdefault(m.agency_id, m.user_id)
    return units, specialists, leaders


def load_assignments(seed: int = 2026) -> int:
    from django.db import connection, transaction

    from vanthu.documents.models import Document
    from vanthu.documents.numbering import local_today
    from vanthu.processing.models import Assignment

    existing = Assignment.objects.count()
    if existing:
        print(f"  the database already holds {existing} assignments: not loading again")
        return existing
    rng = random.Random(seed)
    enc = Encoder(connection.vendor)
    today = local_today()
    now = datetime.now(tz=UTC).replace(microsecond=0)
    units, specialists, leaders = _directory()
    columns = [
        "id", "public_id", "document_id", "agency_id", "role", "assignee_user_id",
        "assignee_department_id", "assigned_by_id", "parent_id", "due_on", "directive",
        "status", "result_note", "completed_at", "created_at", "reminded_on", "escalated_at",
    ]  # fmt: skip
    table = Assignment._meta.db_table
    next_id = 1
    started = time.perf_counter()
    with transaction.atomic():
        definitions = (
            load_documents.prepare_postgres_load([table])
            if connection.vendor == "postgresql"
            else []
        )
        writer = load_documents.Writer(Assignment, columns)
        incoming = (
            Document.objects.filter(direction="incoming", arrived_at__isnull=False)
            .order_by("pk")
            .values_list("pk", "agency_id", "arrived_at")
        )
        total = incoming.count()
        with phase(f"assignments: {total} incoming documents × {LINES_PER_INCOMING} lines"):
            for doc_id, agency_id, arrived_at in incoming.iterator(chunk_size=5000):
                agency_units = units[agency_id]
                unit, other, third = rng.sample(agency_units, 3)
                people = specialists.get(unit) or [leaders[agency_id]]
                others = specialists.get(other) or people
                arrived = arrived_at.date()
                due = arrived + timedelta(days=rng.randint(3, 20))
                age = (today - due).days
                done_share = 0.95 if age > 30 else 0.4 if age > 0 else 0.15
                done = rng.random() < done_share
                status = "done" if done else rng.choice(("open", "in_progress"))
                completed = (
                    enc.moment(
                        datetime.combine(
                            min(due + timedelta(days=rng.randint(-3, 2)), today),
                            datetime.min.time(),
                            tzinfo=UTC,
                        )
                    )
                    if done
                    else None
                )
                # The stamps a daily sweep would have left: overdue before yesterday was
                # escalated, and whatever was due soon was reminded yesterday.
                escalated = enc.moment(now - timedelta(days=1)) if not done and age > 1 else None
                reminded = enc.day(today - timedelta(days=1)) if not done and age >= -3 else None
                created = enc.moment(arrived_at)
                lead_id = next_id
                plan = [
                    ("lead", None, unit, None, due),
                    ("lead", rng.choice(people), None, lead_id, due),
                    ("co", rng.choice(others), None, None, due),
                    ("co", None, other, None, due),
                    ("info", rng.choice(people), None, None, None),
                    ("info", None, third, None, None),
                ]
                for role, user, dept, parent, line_due in plan:
                    has_due = line_due is not None
                    writer.add(
                        (
                            next_id,
                            enc.uuid(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            doc_id,
                            agency_id,
                            role,
                            user,
                            dept,
                            leaders[agency_id],
                            parent,
                            enc.day(line_due),
                            "Giao xử lý theo chức năng, nhiệm vụ.",
                            status,
                            "Đã xử lý xong." if done else "",
                            completed,
                            created,
                            reminded if has_due else None,
                            escalated if has_due else None,
                        )
                    )
                    next_id += 1
            writer.flush()
        if definitions:
            with phase(f"rebuild {len(definitions)} indexes"):
                load_documents.finish_postgres_load(definitions, [table])
    statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with phase(statement), connection.cursor() as cursor:
        cursor.execute(statement)
    seconds = time.perf_counter() - started
    print(f"  loaded {writer.count} assignments in {seconds:.0f} s")
    return writer.count


def _busiest(role_suffix: str) -> str:
    """The user of the largest agency (b000) with the most open lines."""
    from django.db.models import Count, Q

    from vanthu.directory.models import User
    from vanthu.processing.models import OPEN_STATUSES

    user = (
        User.objects.filter(username__startswith="b000.", username__contains=role_suffix)
        .annotate(n=Count("assignments", filter=Q(assignments__status__in=OPEN_STATUSES)))
        .order_by("-n")
        .first()
    )
    return user.username


def measure(requests: int) -> list:
    import measure_pages
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from vanthu.directory.models import User
    from vanthu.processing.models import OPEN_STATUSES, Assignment

    specialist = _busiest(".spec.")
    open_lines = Assignment.objects.filter(
        assignee_user__username=specialist, status__in=OPEN_STATUSES
    ).count()
    results = []
    with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=["testserver"]):
        pages = [
            measure_pages.Page("baseline: empty Django view", specialist, "/__bench__/empty/"),
            measure_pages.Page(
                "specialist: Việc của tôi",
                specialist,
                reverse("processing:my_tasks"),
                f"{specialist}, {open_lines} open lines",
                100,
            ),
            measure_pages.Page(
                "specialist: Việc của tôi, last page",
                specialist,
                reverse("processing:my_tasks") + f"?page={max(1, (open_lines + 24) // 25)}",
                "",
                100,
            ),
            measure_pages.Page(
                "leader: Quá hạn", "b000.head", reverse("processing:overdue"), "", 100
            ),
        ]
        for page in pages:
            client = Client()
            client.force_login(User.objects.get(username=page.username))
            result = measure_pages.measure(page, client, requests)
            results.append(result)
            print(f"  {page.label}: p50 {result.p50:.1f} ms, p95 {result.p95:.1f} ms", flush=True)
    baseline = results[0].p50
    for r in results:
        r.ratio = r.p50 / baseline
    print()
    measure_pages.print_table(results)
    return results


def summarise(rounds: list[list]) -> None:
    """The median over rounds of each page's p50, p95 and ratio to the same round's empty view."""
    import statistics

    print(f"\nMedian of {len(rounds)} rounds (each round against its own empty view):")
    for i, first in enumerate(rounds[0]):
        results = [r[i] for r in rounds]
        p50 = statistics.median(r.p50 for r in results)
        p95 = statistics.median(r.p95 for r in results)
        ratio = statistics.median(r.ratio for r in results)
        print(f"  {first.label:<40} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {ratio:6.1f}× base  "
              f"({first.queries} queries)")  # fmt: skip


def reset_sweep_stamps() -> int:
    """Put the reminder and escalation stamps back as load_assignments left them ("yesterday's
    sweep done", computed for today), so that every measured sweep does one day's work
    however many times the script runs on the same load. Only rows a sweep changed are
    written. Returns their number."""
    from django.db import connection, transaction
    from django.db.models import Case, DateField, DateTimeField, Q, Value, When

    from vanthu.documents.numbering import local_today
    from vanthu.processing.models import OPEN_STATUSES, Assignment

    today = local_today()
    yesterday_sweep = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(days=1)
    # The loader's rule: overdue before yesterday was escalated (age > 1), whatever fell
    # due within three days was reminded yesterday (age >= -3).
    escalated = Case(
        When(due_on__lt=today - timedelta(days=1), then=Value(yesterday_sweep)),
        default=None,
        output_field=DateTimeField(),
    )
    reminded = Case(
        When(due_on__lte=today + timedelta(days=3), then=Value(today - timedelta(days=1))),
        default=None,
        output_field=DateField(),
    )
    # What a sweep touches: lines reminded today, or escalated since the loader's moment.
    swept = (
        Q(reminded_on=today)
        | Q(escalated_at__isnull=False, due_on__gte=today - timedelta(days=1))
        | Q(escalated_at__gt=yesterday_sweep + timedelta(hours=1))
    )
    with transaction.atomic():
        changed = (
            Assignment.objects.filter(status__in=OPEN_STATUSES, due_on__isnull=False)
            .filter(swept)
            .update(escalated_at=escalated, reminded_on=reminded)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Assignment._meta.db_table}")
    return changed


def sweep(runs: int = 1) -> list[tuple[float, float]]:
    """Time the sweep `runs` times from the loader's state: (first run, second run) each."""
    import statistics

    from django.urls import reverse

    from vanthu.processing.models import OPEN_STATUSES, Assignment
    from vanthu.processing.sweep import sweep_due

    # The messages link to pages: load the URLconf (every app's views, ~1 s of imports) once
    # before timing, as a long-running worker has, whether or not the pages ran first.
    reverse("processing:my_tasks")
    open_count = Assignment.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"\nReminder sweep over {open_count} open lines")
    times = []
    for run in range(1, runs + 1):
        reset = reset_sweep_stamps()
        print(f"  run {run}: stamps of {reset} lines reset to the loader's state")
        first = sweep_due()
        print(f"    first run:  {first.seconds:.2f} s — {first.reminded} reminded, "
              f"{first.escalated} escalated, {first.notified} notifications "
              "(target < 5 s)")  # fmt: skip
        second = sweep_due()
        print(f"    second run: {second.seconds:.2f} s — {second.reminded} reminded, "
              f"{second.escalated} escalated (idempotent: must be 0 and 0)")  # fmt: skip
        times.append((first.seconds, second.seconds))
    if runs > 1:
        print(f"  median of {runs} runs: first {statistics.median(t[0] for t in times):.2f} s, "
              f"second {statistics.median(t[1] for t in times):.2f} s")  # fmt: skip
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1M documents, 3M lines")
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure the pages this many times (a noisy machine)"
    )
    parser.add_argument(
        "--sweep-runs",
        type=int,
        default=1,
        help="sweep this many times, each from the loader's state",
    )
    parser.add_argument("--no-pages", action="store_true", help="skip the page measurements")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep")
    args = parser.parse_args(argv)
    setup_django()
    documents = max(2000, round(1_000_000 * args.scale))
    agencies = min(args.agencies, max(5, documents // 200))
    print(f"Machine: {machine_label()}")
    print(f"Database: {database_label()}")
    print(f"Loading {documents} documents across {agencies} agencies")
    _teach_loader_nullable_unique_columns()
    # A database that already holds the documents and lines is reused as it is: load once
    # (about 12 minutes at scale 1), then measure as often as needed.
    load_documents.load(documents, agencies)
    load_assignments()
    if not args.no_pages:
        rounds = [measure(args.requests) for _ in range(args.rounds)]
        if args.rounds > 1:
            summarise(rounds)
    if not args.no_sweep:
        sweep(args.sweep_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
