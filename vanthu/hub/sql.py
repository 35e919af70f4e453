"""The hub's hot paths as hand-written SQL: one round trip and one commit per API call.

Every call records the request's signature (replay protection) in the same transaction as
its own read or write. On PostgreSQL each function is a single simple-protocol query string
(several statements run as one implicit transaction, atomically), so a call costs one network
round trip; reads and first-fetch marks commit with synchronous_commit off (see
``actions.remember``), writes wait for the WAL flush. On SQLite the statements run inside
one IMMEDIATE transaction.

The ORM keeps everything else (the operator page, the command line, federation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction

# Every SQL string below is assembled from constants of this module and "%s" placeholders
# (S608 is silenced line by line for that reason); values always travel as parameters.

SEEN_SQL = "INSERT INTO hub_seensignature (signature, expires_at) VALUES (%s, %s)"
ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"


class Replayed(Exception):
    """The signature was already recorded: the request is a replay."""


class Duplicate(Exception):
    """The same sender already stored these bytes (an idempotent retry)."""


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _dt(value: dt.datetime | None) -> Any:
    """A datetime as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def _seen(seen: tuple[str, dt.datetime]) -> list[Any]:
    return [seen[0], _dt(seen[1])]


def _classify(exc: IntegrityError) -> Exception:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = (getattr(diag, "constraint_name", None) or "") + " " + str(exc)
    if "seensignature" in name:
        return Replayed()
    if "idempotent" in name or "hub_package.sender_id" in name:
        return Duplicate()
    return exc


def _last_rows(cursor: Any) -> list[tuple[Any, ...]]:
    """Rows of the last statement of a multi-statement query string."""
    while cursor.nextset():
        pass
    return list(cursor.fetchall()) if cursor.description else []


def _run(
    statements: Sequence[tuple[str, Sequence[Any]]], *, durable: bool
) -> list[tuple[Any, ...]]:
    """Run statements atomically; return the rows of the last one."""
    try:
        if _postgres() and not connection.in_atomic_block:
            parts = [] if durable else [(ASYNC_COMMIT, ())]
            parts += list(statements)
            sql = "; ".join(s for s, _ in parts)
            params = [p for _, ps in parts for p in ps]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return _last_rows(cursor)
        if durable or connection.in_atomic_block:
            return _statements(statements)
        # SQLite: the same trade as synchronous_commit off. In WAL mode with NORMAL the
        # commit is not fsynced (a power cut, not a process crash, may lose it), and it does
        # not hold the database's single write lock through an fsync.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
        try:
            return _statements(statements)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=FULL")
    except IntegrityError as exc:
        raise _classify(exc) from None


def _statements(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[tuple[Any, ...]]:
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def system_by_id(systemid: str) -> tuple[int, str, str, bool] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, secret, kind, is_active FROM hub_system WHERE systemid = %s", [systemid]
        )
        row = cursor.fetchone()
    return (int(row[0]), row[1], row[2], bool(row[3])) if row else None


def hosts(codes: Sequence[str]) -> list[tuple[str, str | None, str, str, int]]:
    """(code, code_qd20, systemid, kind, system pk) of the agencies named by either code."""
    if not codes:
        return []
    marks = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.code, a.code_qd20, s.systemid, s.kind, s.id FROM hub_agency a"  # noqa: S608
            " JOIN hub_system s ON s.id = a.system_id"
            f" WHERE a.code IN ({marks}) OR a.code_qd20 IN ({marks})",
            [*codes, *codes],
        )
        return list(cursor.fetchall())


def insert_package(
    *,
    seen: tuple[str, dt.datetime] | None,
    package: dict[str, Any],
    deliveries: Sequence[tuple[int, str]],
) -> None:
    """Index an accepted package and its deliveries (system pk, to_codes), with the
    signature; raises Replayed or Duplicate."""
    columns = list(package)
    values = [package[c] for c in columns]
    column_sql = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    values = [_dt(v) if isinstance(v, dt.datetime) else v for v in values]
    moment = _dt(package["created_at"])
    kind = package["messagetype"]
    if _postgres() and not connection.in_atomic_block:
        rows = ", ".join(["(%s::bigint, %s)"] * len(deliveries))
        sql = (
            (f"WITH s AS ({SEEN_SQL}), " if seen else "WITH ")  # noqa: S608
            + f"p AS (INSERT INTO hub_package ({column_sql}) VALUES ({marks}) RETURNING id) "  # noqa: S608
            "INSERT INTO hub_delivery (package_id, system_id, messagetype, to_codes, state,"
            " created_at, updated_at, reason, upstream_doc_id)"
            " SELECT p.id, v.system_id, %s, v.to_codes, 'pending', %s, %s, '', '' FROM p"
            f" CROSS JOIN (VALUES {rows}) AS v (system_id, to_codes)"
        )
        params: list[Any] = _seen(seen) if seen else []
        params += values + [kind, moment, moment]
        params += [x for pair in deliveries for x in pair]
        _run([(sql, params)], durable=True)
        return
    statements: list[tuple[str, Sequence[Any]]] = []
    if seen:
        statements.append((SEEN_SQL, _seen(seen)))
    insert = f"INSERT INTO hub_package ({column_sql}) VALUES ({marks})"  # noqa: S608
    statements.append((insert, values))
    for system_pk, to_codes in deliveries:
        statements.append(
            (
                "INSERT INTO hub_delivery (package_id, system_id, messagetype, to_codes, state,"
                " created_at, updated_at, reason, upstream_doc_id)"
                " SELECT id, %s, %s, %s, 'pending', %s, %s, '', '' FROM hub_package"
                " WHERE doc_id = %s",
                [system_pk, kind, to_codes, moment, moment, package["doc_id"]],
            )
        )
    _run(statements, durable=True)


def existing_package(sender_pk: int, sha256: str) -> tuple[str, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT doc_id, from_code FROM hub_package WHERE sender_id = %s AND sha256 = %s",
            [sender_pk, sha256],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def remember(seen: tuple[str, dt.datetime]) -> None:
    _run([(SEEN_SQL, _seen(seen))], durable=False)


# One delivery by its package's DocId and its system: equality on both columns of the unique
# index (package, system), whatever the statistics say. Written as a join on doc_id, a
# PostgreSQL without fresh statistics (a hub's first hours) scanned every delivery of the
# system instead.
ONE_DELIVERY = "d.package_id = (SELECT id FROM hub_package WHERE doc_id = %s) AND d.system_id = %s"

# Both end with the condition of the partial index hub_delivery_waiting, word for word.
RECEIVED_SQL = (
    "SELECT p.doc_id, d.created_at, d.updated_at, p.from_code, d.to_codes, d.state"
    " FROM hub_delivery d JOIN hub_package p ON p.id = d.package_id"
    " WHERE d.system_id = %s AND d.messagetype = %s"
    " AND d.state IN ('pending', 'processing') ORDER BY d.id LIMIT %s"
)
COUNT_RECEIVED_SQL = (
    "SELECT COUNT(*) FROM hub_delivery WHERE system_id = %s AND messagetype = %s"
    " AND state IN ('pending', 'processing')"
)


def received(
    seen: tuple[str, dt.datetime], system_pk: int, messagetype: str, limit: int
) -> list[tuple[Any, ...]]:
    """(doc_id, created_at, updated_at, from_code, to_codes, state), oldest first."""
    return _run(
        [(SEEN_SQL, _seen(seen)), (RECEIVED_SQL, [system_pk, messagetype, limit])],
        durable=False,
    )


def count_received(seen: tuple[str, dt.datetime], system_pk: int, messagetype: str) -> int:
    rows = _run(
        [(SEEN_SQL, _seen(seen)), (COUNT_RECEIVED_SQL, [system_pk, messagetype])],
        durable=False,
    )
    return int(rows[0][0])


def fetch(
    seen: tuple[str, dt.datetime], system_pk: int, doc_id: str, now: dt.datetime
) -> tuple[str, int, int, bytes] | None:
    """(sha256, splice_start, splice_end, trace_fragment) of a package addressed to the
    system, marking its first fetch; None if there is none."""
    if _postgres():
        statements: list[tuple[str, Sequence[Any]]] = [
            (SEEN_SQL, _seen(seen)),
            (
                "WITH x AS (SELECT d.id, d.fetched_at, p.sha256, p.splice_start, p.splice_end,"  # noqa: S608
                " p.trace_fragment FROM hub_delivery d JOIN hub_package p ON p.id = d.package_id"
                f" WHERE {ONE_DELIVERY}),"
                " u AS (UPDATE hub_delivery SET fetched_at = %s"
                " WHERE id IN (SELECT id FROM x WHERE fetched_at IS NULL))"
                " SELECT sha256, splice_start, splice_end, trace_fragment FROM x",
                [doc_id, system_pk, _dt(now)],
            ),
        ]
    else:
        statements = [
            (SEEN_SQL, _seen(seen)),
            (
                "UPDATE hub_delivery SET fetched_at = %s WHERE fetched_at IS NULL"
                " AND system_id = %s AND package_id = (SELECT id FROM hub_package"
                " WHERE doc_id = %s)",
                [_dt(now), system_pk, doc_id],
            ),
            (
                "SELECT p.sha256, p.splice_start, p.splice_end, p.trace_fragment"  # noqa: S608
                " FROM hub_delivery d JOIN hub_package p ON p.id = d.package_id"
                f" WHERE {ONE_DELIVERY}",
                [doc_id, system_pk],
            ),
        ]
    rows = _run(statements, durable=False)
    if not rows:
        return None
    sha256, start, end, fragment = rows[0]
    return sha256, int(start), int(end), bytes(fragment)


def acknowledge(
    seen: tuple[str, dt.datetime],
    system_pk: int,
    doc_id: str,
    status: str,
    reason: str,
    now: dt.datetime,
) -> str | None:
    """Move a delivery to ``status`` unless it is already there or done; returns the state
    it had (None: no such delivery for this system)."""
    acked_at = _dt(now) if status in ("done", "fail") else None
    select = f"SELECT d.id, d.state FROM hub_delivery d WHERE {ONE_DELIVERY}"  # noqa: S608
    update = (
        "UPDATE hub_delivery SET state = %s, updated_at = %s,"
        " acked_at = COALESCE(%s, acked_at), reason = CASE WHEN %s = 'fail' THEN %s ELSE reason END"
    )
    update_params = [status, _dt(now), acked_at, status, reason]
    if _postgres():
        rows = _run(
            [
                (SEEN_SQL, _seen(seen)),
                (
                    f"WITH d AS ({select} FOR UPDATE OF d),"  # noqa: S608
                    f" u AS ({update} WHERE id IN (SELECT id FROM d"
                    " WHERE state <> %s AND state <> 'done'))"
                    " SELECT state FROM d",
                    [doc_id, system_pk, *update_params, status],
                ),
            ],
            durable=True,
        )
        return str(rows[0][0]) if rows else None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEEN_SQL, _seen(seen))
            cursor.execute(select, [doc_id, system_pk])
            row = cursor.fetchone()
            if row is None:
                return None
            if row[1] != status and row[1] != "done":
                cursor.execute(f"{update} WHERE id = %s", [*update_params, row[0]])
            return str(row[1])
    except IntegrityError as exc:
        raise _classify(exc) from None
