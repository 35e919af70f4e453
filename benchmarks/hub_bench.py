"""Throughput and latency of the hub (trục liên thông) end to end, next to its floor.

    .venv/bin/python benchmarks/hub_bench.py [--seconds 20] [--sizes 100k,5m]
        [--databases sqlite,postgres] [--servers granian,gunicorn] [--senders 8]
        [--receivers 4] [--workers 2] [--threads 4] [--worker-class gthread]
        [--fetch getEdoc|raw]
        [--pg-url postgres://postgres@127.0.0.1:5432] [--pg-prefix vanthu_hub_bench_]

For each database, package size and HTTP server a fresh hub runs on loopback (`python -m
vanthu.hub serve --server granian|gunicorn`, its own data directory; on PostgreSQL a database vanthu_hub_bench made for
the case and dropped after it). --senders processes, each with its own VxpClient of system
`bench.send`, send distinct packages (the hub is idempotent on identical bytes) to the
agencies of --receivers receiving systems; one receiver process per receiving system loops
getReceivedEdocList → getEdoc (or, with --fetch raw, downloadEdoc with format=raw: the
package as the body, no Base64) → updateStatus "done". The loop is closed: senders wait while
more than --backlog packages are accepted and not yet acknowledged, so the rates are what the
hub sustains end to end rather than how fast a backlog grows. After a 2-second warm-up, what happens
during --seconds is counted: packages accepted, delivered (getEdoc answered) and acknowledged
per second, and the accept latency (sendEdoc round trip) p50/p99. Then the senders stop, the
receivers drain, and the run checks that every accepted package was acknowledged once.

The floor, measured in the same run with the same number of threads: SHA-256 of the payload
plus one INSERT committed per package, in process, on the same kind of database (SQLite in
WAL with synchronous=FULL; PostgreSQL with default durability), no HTTP, no parsing.
The ratio is end-to-end acknowledged per second over the floor. "hub ms" is the CPU time the
hub's processes (the server's master and workers) spent during the window per acknowledged
package; "load ms" the CPU time of the sender and receiver processes per package they
handled (they share the machine's cores with the hub). PostgreSQL's processes are not
counted in either. "lists" is the getReceivedEdocList calls per package (idle polls
included): what the receivers' polling costs the hub on top of the three calls a package needs.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from typing import Any

from common import ROOT, machine_label

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vanthu.edxml import Attachment, Organization, build_edoc  # noqa: E402
from vanthu.hub.process import HubProcess, PostgresDatabase  # noqa: E402
from vanthu.vxp import VxpClient, VxpError, VxpUnavailable  # noqa: E402

SENDER_ORGAN = "000.00.00.H41"
MARKER = b"BENCHMARK-MARKER-000000000000"
SECRET = "bench-secret-0123456789"  # noqa: S105 - throw-away systems of a local benchmark
WARMUP = 2.0
SIZES = {"100k": 100 * 1024, "5m": 5 * 1024 * 1024}


def receiver_organ(index: int) -> str:
    return f"000.00.{index + 10:02d}.H47"


def make_template(size: int, receivers: int) -> bytes:
    """An edoc to every receiving agency with a PDF-like attachment of about ``size`` bytes
    in total; MARKER in the subject is replaced to make each package distinct."""
    from tests.edxml.factories import make_edoc

    raw = os.urandom(max(size * 3 // 4 - 3000, 100))
    edoc = make_edoc(
        from_=Organization(organ_id=SENDER_ORGAN, name="UBND tỉnh Nghệ An"),
        to=[Organization(organ_id=receiver_organ(0), name="Cơ quan nhận")],
        subject="Đo hiệu năng " + MARKER.decode(),
        attachments=[
            Attachment(name="vanban.pdf", content_type="application/pdf", data=b"%PDF" + raw)
        ],
    )
    return build_edoc(edoc)


def for_receiver(template: bytes, index: int) -> bytes:
    return template.replace(receiver_organ(0).encode(), receiver_organ(index).encode())


def directory(senders: int, receivers: int) -> dict[str, Any]:
    systems = [{"systemid": "bench.send", "secret": SECRET, "name": "Hệ thống gửi"}]
    agencies = [{"system": "bench.send", "code": SENDER_ORGAN, "name": "UBND tỉnh Nghệ An"}]
    for index in range(receivers):
        systems.append(
            {"systemid": f"bench.recv{index}", "secret": SECRET, "name": f"Nhận {index}"}
        )
        agencies.append(
            {"system": f"bench.recv{index}", "code": receiver_organ(index), "name": f"Sở {index}"}
        )
    return {"systems": systems, "agencies": agencies}


# --- load processes -----------------------------------------------------------------------


def sender_main(
    url: str,
    number: int,
    receivers: int,
    template: bytes,
    start: float,
    stop: Any,
    out: Any,
    counters: Any,
    backlog: int,
) -> None:
    client = VxpClient(url, "bench.send", SECRET, timeout=120)
    variants = [for_receiver(template, i) for i in range(receivers)]
    latencies: list[tuple[float, float]] = []  # (end time, seconds)
    errors = 0
    sequence = 0
    while time.time() < start:
        time.sleep(0.001)
    while not stop.is_set():
        # Closed loop: past --backlog packages accepted but not yet acknowledged, wait for
        # the receivers, so the figures are a rate the hub sustains end to end.
        if counters[0] - counters[1] > backlog:
            time.sleep(0.005)
            continue
        sequence += 1
        tag = f"{number:03d}-{sequence:025d}".encode()
        data = variants[sequence % receivers].replace(MARKER, tag[: len(MARKER)].ljust(len(MARKER)))
        began = time.perf_counter()
        try:
            client.send_edoc(data, from_organ=SENDER_ORGAN)
        except (VxpError, VxpUnavailable):
            errors += 1
            continue
        latencies.append((time.time(), time.perf_counter() - began))
        with counters.get_lock():
            counters[0] += 1
    client.close()
    out.put(("send", latencies, errors))


def receiver_main(
    url: str, index: int, start: float, stop: Any, out: Any, counters: Any, fetch: str
) -> None:
    client = VxpClient(url, f"bench.recv{index}", SECRET, timeout=120)
    download = client.download_edoc if fetch == "raw" else client.get_edoc
    delivered: list[float] = []
    acked: list[float] = []
    seen: set[str] = set()
    duplicates = 0
    errors = 0
    idle_since: float | None = None
    lists = empty = 0
    while time.time() < start:
        time.sleep(0.001)
    while True:
        try:
            items = client.received()
        except (VxpError, VxpUnavailable):
            errors += 1
            time.sleep(0.05)
            continue
        lists += 1
        if not items:
            empty += 1
            if stop.is_set():
                idle_since = idle_since or time.time()
                if time.time() - idle_since > 1.5:
                    break
            time.sleep(0.05)  # an idle poll costs the hub a request: back off
            continue
        idle_since = None
        for item in items:
            doc_id = item["docId"]
            if doc_id in seen:
                duplicates += 1
                continue
            try:
                download(doc_id)
                delivered.append(time.time())
                client.update_status(doc_id, "done")
                acked.append(time.time())
                with counters.get_lock():
                    counters[1] += 1
                seen.add(doc_id)
            except (VxpError, VxpUnavailable):
                errors += 1
    client.close()
    out.put(("recv", delivered, acked, errors, duplicates, len(seen), lists, empty))


# --- the floor ----------------------------------------------------------------------------


def floor_rate(
    payload: bytes, database: str, pg_base: str, threads: int, seconds: float, prefix: str
) -> float:
    """SHA-256 + one committed INSERT per package, ``threads`` at a time; packages/s."""
    done = [0] * threads
    stop_at = time.perf_counter() + seconds
    if database == "sqlite":
        folder = tempfile.mkdtemp(prefix="hub-floor-")
        path = os.path.join(folder, "floor.sqlite3")
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE, size INT)")

        def work(slot: int) -> None:
            conn = sqlite3.connect(path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA synchronous=FULL")
            n = 0
            while time.perf_counter() < stop_at:
                digest = hashlib.sha256(payload + n.to_bytes(8) + slot.to_bytes(2)).hexdigest()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO t (sha256, size) VALUES (?, ?)", (digest, len(payload)))
                conn.execute("COMMIT")
                n += 1
            done[slot] = n
            conn.close()

        cleanup = None
    else:
        import psycopg

        database_ = PostgresDatabase(pg_base, prefix=f"{prefix}floor_").create()
        with psycopg.connect(database_.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, sha256 TEXT UNIQUE, size INT)")

        def work(slot: int) -> None:
            with psycopg.connect(database_.url, autocommit=True) as conn:
                n = 0
                while time.perf_counter() < stop_at:
                    digest = hashlib.sha256(payload + n.to_bytes(8) + slot.to_bytes(2)).hexdigest()
                    conn.execute(
                        "INSERT INTO t (sha256, size) VALUES (%s, %s)", (digest, len(payload))
                    )
                    n += 1
                done[slot] = n

        cleanup = database_.drop
    began = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    if cleanup:
        cleanup()
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return sum(done) / elapsed


# --- one case -----------------------------------------------------------------------------


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of the live processes of a process group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_case(
    args: argparse.Namespace, database: str, size_name: str, server: str
) -> dict[str, Any]:
    template = make_template(SIZES[size_name], args.receivers)
    pg = PostgresDatabase(args.pg_url, prefix=args.pg_prefix) if database == "postgres" else None
    if pg is not None:
        pg.create()
    data_dir = tempfile.mkdtemp(prefix=f"hub-bench-{database}-{size_name}-")
    hub = HubProcess(
        data_dir,
        database_url=pg.url if pg else "",
        workers=args.workers,
        threads=args.threads,
        server=server,
        worker_class=args.worker_class,
        directory=directory(args.senders, args.receivers),
    )
    hub.start()
    try:
        ctx = mp.get_context("fork")
        stop, out = ctx.Event(), ctx.Queue()
        counters = ctx.Array("q", [0, 0])  # accepted, acknowledged
        start = time.time() + 1.0
        procs = [
            ctx.Process(
                target=sender_main,
                args=(
                    hub.url,
                    n,
                    args.receivers,
                    template,
                    start,
                    stop,
                    out,
                    counters,
                    args.backlog,
                ),
            )
            for n in range(args.senders)
        ] + [
            ctx.Process(
                target=receiver_main, args=(hub.url, i, start, stop, out, counters, args.fetch)
            )
            for i in range(args.receivers)
        ]
        clients_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for proc in procs:
            proc.start()
        window = (start + WARMUP, start + WARMUP + args.seconds)
        time.sleep(max(0.0, window[0] - time.time()))
        cpu_before = group_cpu_seconds(hub.pgid)
        time.sleep(max(0.0, window[1] - time.time()))
        server_cpu = group_cpu_seconds(hub.pgid) - cpu_before
        stop.set()
        results = [out.get(timeout=600) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        clients_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        hub.stop()
        if pg is not None:
            pg.drop()
        shutil.rmtree(data_dir, ignore_errors=True)

    def in_window(t: float) -> bool:
        return window[0] <= t < window[1]

    sends = [r for r in results if r[0] == "send"]
    recvs = [r for r in results if r[0] == "recv"]
    accepted = [lat for r in sends for (t, lat) in r[1] if in_window(t)]
    total_accepted = sum(len(r[1]) for r in sends)
    delivered = sum(1 for r in recvs for t in r[1] if in_window(t))
    acked = sum(1 for r in recvs for t in r[2] if in_window(t))
    total_acked = sum(r[5] for r in recvs)
    client_cpu = (clients_after.ru_utime + clients_after.ru_stime) - (
        clients_before.ru_utime + clients_before.ru_stime
    )
    floor = floor_rate(
        template, database, args.pg_url, args.senders, min(5.0, args.seconds), args.pg_prefix
    )
    return {
        "database": database,
        "size": size_name,
        "bytes": len(template),
        "accepted_s": len(accepted) / args.seconds,
        "delivered_s": delivered / args.seconds,
        "acked_s": acked / args.seconds,
        "p50_ms": percentile(accepted, 0.50) * 1000,
        "p99_ms": percentile(accepted, 0.99) * 1000,
        "floor_s": floor,
        "ratio": (acked / args.seconds) / floor if floor else float("nan"),
        "server_cpu_ms": server_cpu * 1000 / max(acked, 1),
        # The load processes run from start to drain: per package they handled in total.
        "client_cpu_ms": client_cpu * 1000 / max(total_acked, 1),
        # getReceivedEdocList calls per package (all, and those that found nothing).
        "lists": sum(r[6] for r in recvs) / max(total_acked, 1),
        "empty_lists": sum(r[7] for r in recvs) / max(total_acked, 1),
        "send_errors": sum(r[2] for r in sends),
        "recv_errors": sum(r[3] for r in recvs),
        "duplicates": sum(r[4] for r in recvs),
        "check": "ok" if total_acked == total_accepted else f"{total_acked}/{total_accepted}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sizes", default="100k,5m")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--receivers", type=int, default=4)
    parser.add_argument(
        "--backlog",
        type=int,
        default=32,
        help="senders wait while more packages than this are accepted and not acknowledged",
    )
    parser.add_argument(
        "--servers",
        default="granian,gunicorn",
        help="HTTP servers to run the hub under, each a case (gunicorn is the baseline)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    parser.add_argument(
        "--fetch",
        choices=["getEdoc", "raw"],
        default="getEdoc",
        help="how receivers fetch: getEdoc (Base64 in JSON, the SDK's way) or downloadEdoc "
        "with format=raw (the package as the body)",
    )
    parser.add_argument(
        "--pg-prefix", default="vanthu_hub_bench_", help="name prefix of the throw-away databases"
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(f"Hub benchmark — {machine_label()}, {os.cpu_count()} CPU")
    print(
        f"{args.senders} senders, {args.receivers} receivers, {args.workers} workers × "
        f"{args.threads} threads (gunicorn: {args.worker_class}), {args.seconds:.0f} s per case\n"
    )
    header = (
        f"{'database':<9} {'size':>5} {'server':>8} {'accepted/s':>10} {'delivered/s':>11} {'acked/s':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'floor/s':>8} {'ratio':>6} {'hub ms':>6} {'load ms':>7} "
        f"{'lists':>5} {'errors':>6} "
        f"{'check':>6}"
    )
    print(header)
    print("-" * len(header))
    cases = [
        (database, size, server)
        for database in args.databases.split(",")
        for size in args.sizes.split(",")
        for server in args.servers.split(",")
    ]
    for database, size, server in cases:
        r = run_case(args, database, size, server)
        errors = r["send_errors"] + r["recv_errors"] + r["duplicates"]
        print(
            f"{r['database']:<9} {r['size']:>5} {server:>8} {r['accepted_s']:>10.1f} "
            f"{r['delivered_s']:>11.1f} {r['acked_s']:>8.1f} {r['p50_ms']:>7.1f} "
            f"{r['p99_ms']:>7.1f} {r['floor_s']:>8.0f} {r['ratio']:>6.2f} "
            f"{r['server_cpu_ms']:>6.1f} {r['client_cpu_ms']:>7.1f} {r['lists']:>5.2f} "
            f"{errors:>6} "
            f"{r['check']:>6}",
            flush=True,
        )


if __name__ == "__main__":
    main()
