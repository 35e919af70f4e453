"""Server-side time of the busiest pages, measured in-process with Django's test Client.

    .venv/bin/python benchmarks/measure_pages.py [--requests 50] [--explain]

Each page is requested a few times to warm up, then --requests times; the table gives p50,
p95 and max in milliseconds, the queries one request makes, and the ratio of its p50 to an
empty Django view measured in the same run (same middleware, same logged-in client), so that
figures from different machines can be compared. Run load_documents.py first.
"""

from __future__ import annotations

import argparse
import calendar
import json
import logging
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from common import database_label, machine_label, setup_django

WARM_UP = 5
SEARCH = "quyet dinh ngan sach"


@dataclass
class Page:
    label: str
    username: str
    url: str
    note: str = ""
    target_ms: float | None = None  # p95 target, for the verdict column


@dataclass
class Result:
    label: str
    note: str
    status: int
    requests: int
    queries: int
    bytes: int
    p50: float
    p95: float
    max: float
    ratio: float = 0.0
    target_ms: float | None = None
    slowest_sql: str = ""
    slowest_ms: float = 0.0


def _last_full_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last.replace(day=calendar.monthrange(last.year, last.month)[1])


def pages() -> list[Page]:
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from vanthu.documents.models import Document

    largest = "b000"
    listed = [
        Page("baseline: empty Django view", f"{largest}.clerk", "/__bench__/empty/"),
        Page("clerk: incoming list", f"{largest}.clerk", reverse("web:incoming_list"), "", 100),
        Page("leader: dashboard", f"{largest}.head", reverse("web:dashboard"), "", 100),
        Page(
            f"clerk: search «{SEARCH}»",
            f"{largest}.clerk",
            reverse("web:incoming_list") + "?q=" + SEARCH.replace(" ", "+"),
            "",
            100,
        ),
    ]
    try:
        register_url = reverse("reports:register")
    except NoReverseMatch:
        print("register month export: not measured (no reports:register URL)")
        return listed
    start, end = _last_full_month(timezone.localdate())
    for fmt in ("xlsx", "pdf"):
        for size, code in (("largest agency", "000.00.00.H41"), ("median agency", None)):
            if code is None:
                code = _median_agency_code()
            rows = Document.objects.filter(
                agency__code=code,
                direction="incoming",
                arrival_number__isnull=False,
                arrived_at__date__range=(start, end),
            ).count()
            username = f"b{_agency_index(code):03d}.clerk"
            query = f"?agency={code}&register=van-ban-den&from={start}&to={end}&format={fmt}"
            listed.append(
                Page(
                    f"register month {fmt.upper()} ({size})",
                    username,
                    register_url + query,
                    f"incoming register {start:%m/%Y}, {rows} rows",
                    2000,
                )
            )
    return listed


def _agency_index(code: str) -> int:
    from vanthu.directory.models import User

    user = User.objects.filter(memberships__agency__code=code, username__endswith=".clerk").first()
    return int(user.username[1:4])


def _median_agency_code() -> str:
    from django.db.models import Count

    from vanthu.directory.models import Agency

    counted = list(
        Agency.objects.annotate(n=Count("documents")).order_by("-n").values_list("code", "n")
    )
    return counted[len(counted) // 2][0]


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(page: Page, client, requests: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(page.url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    # Copied now: every request resets the connection's query log.
    queries = list(captured.captured_queries)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(page.url)
        timings.append((time.perf_counter() - started) * 1000)
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Result(
        label=page.label,
        note=page.note,
        status=response.status_code,
        requests=requests,
        queries=len(queries),
        bytes=len(content),
        p50=statistics.median(timings),
        p95=_percentile(timings, 95),
        max=max(timings),
        target_ms=page.target_ms,
        slowest_sql=slowest["sql"] if slowest else "",
        slowest_ms=float(slowest["time"]) * 1000 if slowest else 0.0,
    )


def explain(sql: str) -> str:
    from django.db import connection

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())


def print_table(results: list[Result]) -> None:
    header = f"{'page':44} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'× base':>7}  target"
    print(header)
    print("-" * len(header))
    for r in results:
        verdict = ""
        if r.target_ms is not None:
            verdict = f"p95 < {r.target_ms:.0f} ms: {'met' if r.p95 < r.target_ms else 'MISSED'}"
        print(
            f"{r.label:44} {r.status:>6} {r.queries:>7} {r.p50:>8.1f} {r.p95:>8.1f} "
            f"{r.max:>8.1f} {r.ratio:>7.1f}  {verdict}"
        )
        if r.note:
            print(f"{'':44} {r.note}")


def scope_visibility_to_member_agencies(where: str) -> None:
    """Experiment (--scoped lists|all): AND the visibility rule with the agencies where the
    user holds a role, in the document lists only or wherever documents_visible_to was
    imported by name."""
    from vanthu.directory.access import roles_of
    from vanthu.documents import access

    original = access.documents_visible_to

    def scoped(user):
        return original(user).filter(agency_id__in=roles_of(user).agencies())

    for name, module in list(sys.modules.items()):
        if where == "lists" and name != "vanthu.web.views.lists":
            continue
        if getattr(module, "documents_visible_to", None) is original:
            module.documents_visible_to = scoped


def search_whole_words_first() -> None:
    """Experiment (--fts, PostgreSQL): like documents/search.py, but (1) the word index
    matches whole syllables and only the last one as a prefix: a prefix on every token makes
    GIN gather every entry starting with it ("ngan" → "nganh"); (2) the exact substring test
    uses STRPOS, which no index serves: with LIKE the planner ANDs the lossy trigram index
    into the bitmap, and the recheck then recomputes the to_tsvector(regexp_replace(...))
    expression for every candidate row."""
    from django.db.models import Value
    from django.db.models.functions import StrIndex
    from django.db.models.lookups import GreaterThan

    from vanthu.documents import search
    from vanthu.textfold import fold

    original = search.apply_search

    def whole_words(qs, query):
        words = fold(query).split()[:8]
        tokens = [t for w in words for t in search._TOKEN.findall(w)]
        if tokens:
            terms = [*tokens[:-1], tokens[-1] + ":*"]
            qs = qs.extra(where=[search._WORDS_SQL], params=[" & ".join(terms)])  # noqa: S610
        for word in words:
            qs = qs.filter(GreaterThan(StrIndex("search_text", Value(word)), 0))
        return qs

    for module in list(sys.modules.values()):
        if getattr(module, "apply_search", None) is original:
            module.apply_search = whole_words


def run(
    requests: int,
    *,
    show_explain: bool = False,
    json_path: str | None = None,
    only: list[str] | None = None,
    scoped: str = "",
    fts: bool = False,
) -> list[Result]:
    from django.test import Client
    from django.test.utils import override_settings

    from vanthu.directory.models import User

    print(f"Machine: {machine_label()}")
    print(f"Database: {database_label()}")
    from vanthu.documents.models import Document

    print(
        f"Documents: {Document.objects.count()}, {requests} requests per page after {WARM_UP} warm-up"
    )
    # 4xx answers (a PDF over the row limit) are expected figures, not log noise.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    results = []
    with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=["testserver"]):
        listed = pages()  # imports the URLconf, so the views exist to be patched below
        if scoped:
            scope_visibility_to_member_agencies(scoped)
            print(f"Experiment: visibility scoped to the user's agencies in {scoped}")
        if fts:
            search_whole_words_first()
            print("Experiment: whole-word search, last word as prefix (--fts)")
        if only:
            listed = [listed[0]] + [p for p in listed[1:] if any(w in p.label for w in only)]
        for page in listed:
            client = Client()
            client.force_login(User.objects.get(username=page.username))
            result = measure(page, client, requests)
            results.append(result)
            print(f"  {page.label}: p50 {result.p50:.1f} ms, p95 {result.p95:.1f} ms", flush=True)
    baseline = results[0].p50
    for r in results:
        r.ratio = r.p50 / baseline
    print()
    print_table(results)
    if show_explain:
        for r in results[1:]:
            if r.slowest_sql:
                print(f"\n== slowest query of «{r.label}» ({r.slowest_ms:.1f} ms)\n{r.slowest_sql}")
                print(explain(r.slowest_sql))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "machine": machine_label(),
                    "database": database_label(),
                    "documents": Document.objects.count(),
                    "results": [asdict(r) for r in results],
                },
                fh,
                ensure_ascii=False,
                indent=1,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN the slowest query of each page"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--only", nargs="*", help="only pages whose label contains one of these words"
    )
    parser.add_argument(
        "--scoped",
        choices=["lists", "all"],
        help="experiment: scope document visibility to the user's agencies",
    )
    parser.add_argument(
        "--fts", action="store_true", help="experiment: whole-word search (PostgreSQL)"
    )
    args = parser.parse_args(argv)
    if args.requests < 50:
        parser.error("at least 50 requests per page")
    setup_django()
    run(
        args.requests,
        show_explain=args.explain,
        json_path=args.json,
        only=args.only,
        scoped=args.scoped,
        fts=args.fts,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
