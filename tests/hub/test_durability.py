"""Durability: the hub process group is killed with SIGKILL (master and workers at the same
instant) twice while senders and a receiver are busy, and restarted on the same data.
Every DocId a sender got is kept, no package is stored twice (senders retry what got no
answer, with the same bytes), and nothing acknowledged is ever listed again."""

from __future__ import annotations

import random
import threading
import time

from vanthu.edxml import parse
from vanthu.vxp import VxpError, VxpUnavailable

from .conftest import H41, SO_TTTT_QN, unique_edoc

SENDERS = 4
MAX_PACKAGES = 400
RETRYABLE_CODES = {"16", "20"}  # a replay of a request whose answer was lost; a crash


class Load:
    def __init__(self, hub) -> None:
        self.hub = hub
        self.stop_sending = threading.Event()
        self.stop_receiving = threading.Event()
        self.lock = threading.Lock()
        self.sent: dict[int, str] = {}  # package number -> DocId answered
        self.hashes: dict[int, bytes] = {}
        self.retried = 0
        self.acked: set[str] = set()
        # Acknowledgements without an answer (the hub died): committed or not, unknown.
        self.in_doubt: set[str] = set()
        self.relisted: list[str] = []
        self.errors: list[str] = []
        self.counter = 0

    def next_number(self) -> int | None:
        with self.lock:
            if self.counter >= MAX_PACKAGES:
                return None
            self.counter += 1
            return self.counter

    def sender(self) -> None:
        client = self.hub.client("sys.a")
        try:
            while not self.stop_sending.is_set():
                number = self.next_number()
                if number is None:
                    return
                data = unique_edoc([SO_TTTT_QN])
                doc_id = self._send_until_answered(client, data)
                with self.lock:
                    self.sent[number] = doc_id
        except Exception as exc:  # reported by the test, not swallowed
            self.errors.append(f"sender: {exc!r}")
        finally:
            client.close()

    def _send_until_answered(self, client, data: bytes) -> str:
        deadline = time.monotonic() + 90
        while True:
            try:
                return client.send_edoc(data, from_organ=H41)
            except (VxpUnavailable, VxpError) as exc:
                if isinstance(exc, VxpError) and exc.code not in RETRYABLE_CODES:
                    raise
                if time.monotonic() > deadline:
                    raise
                with self.lock:
                    self.retried += 1
                time.sleep(0.1)

    def receiver(self) -> None:
        client = self.hub.client("sys.b")
        try:
            while not self.stop_receiving.is_set():
                try:
                    items = client.received()
                    for item in items:
                        doc_id = item["docId"]
                        if doc_id in self.acked:
                            self.relisted.append(doc_id)
                            continue
                        assert parse(client.get_edoc(doc_id)).from_.organ_id == H41
                        self.in_doubt.add(doc_id)
                        client.update_status(doc_id, "done")
                        self.acked.add(doc_id)
                        self.in_doubt.discard(doc_id)
                except (VxpUnavailable, VxpError) as exc:
                    if isinstance(exc, VxpError) and exc.code not in RETRYABLE_CODES:
                        raise
                    time.sleep(0.1)
                    continue
                if not items:
                    time.sleep(0.05)
        except Exception as exc:
            self.errors.append(f"receiver: {exc!r}")
        finally:
            client.close()

    def wait_for_answers(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline and not self.errors:
            time.sleep(0.02)


def test_sigkill_under_load_loses_nothing_and_duplicates_nothing(start_hub):
    hub = start_hub("durable")
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    load = Load(hub)
    threads = [threading.Thread(target=load.sender, daemon=True) for _ in range(SENDERS)]
    receiver = threading.Thread(target=load.receiver, daemon=True)
    for thread in [*threads, receiver]:
        thread.start()
    answered_before_kill = []
    for _round in range(2):
        load.wait_for_answers(len(load.sent) + 20)
        time.sleep(rng.uniform(0.0, 0.4))
        answered_before_kill.append(len(load.sent))
        hub.process.kill()
        time.sleep(rng.uniform(0.0, 0.5))
        hub.process.start()
    load.wait_for_answers(len(load.sent) + 10)
    load.stop_sending.set()
    for thread in threads:
        thread.join(timeout=120)

    def all_acknowledged() -> bool:
        # An acknowledgement whose answer was lost may have been committed: then the
        # package is (rightly) never listed again, and only the index can tell.
        handled = load.acked | load.in_doubt
        open_rows = hub.query("SELECT COUNT(*) FROM hub_delivery WHERE state <> 'done'")
        return set(load.sent.values()) <= handled and open_rows == [(0,)]

    deadline = time.monotonic() + 60
    while not all_acknowledged() and time.monotonic() < deadline and not load.errors:
        time.sleep(0.1)
    load.stop_receiving.set()
    receiver.join(timeout=60)

    context = (
        f"seed={seed} answered before kills={answered_before_kill} retried={load.retried}"
        f" in doubt={len(load.in_doubt)}"
    )
    assert load.errors == [], context
    assert answered_before_kill[0] < len(load.sent) <= MAX_PACKAGES, context
    doc_ids = set(load.sent.values())
    assert len(doc_ids) == len(load.sent), context  # one DocId per package
    # Every answered DocId is in the index with its payload, and nothing else is.
    stored = {doc_id for (doc_id,) in hub.query("SELECT doc_id FROM hub_package")}
    assert stored == doc_ids, context
    assert hub.count("hub_delivery") == len(doc_ids), context
    assert len(hub.payload_files()) == len(doc_ids), context
    # Delivered exactly once: everything acknowledged, nothing listed after its ack.
    assert load.acked | load.in_doubt == doc_ids, context
    assert load.relisted == [], context
    assert hub.query("SELECT COUNT(*) FROM hub_delivery WHERE state <> 'done'") == [(0,)]
