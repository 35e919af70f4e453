"""Rows of documents_document as the application writes them, generated in bulk for the
benchmark loader (see load_documents.py for why the actions are not used)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

VN_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time
TYPE_WEIGHTS = {"CV": 40, "QD": 20, "KH": 8, "BC": 10, "TTR": 6, "TB": 6, "GM": 7, "HD": 3}
OUTSIDE = ("Văn phòng Chính phủ", "Bộ Tài chính", "Bộ Nội vụ", "Bộ Y tế", "Công an tỉnh Nghệ An")


class Encoder:
    """Python values → what the driver stores, the way Django would write them."""

    def __init__(self, vendor: str):
        self.sqlite = vendor == "sqlite"

    def uuid(self, value: uuid.UUID):
        return value.hex if self.sqlite else value

    def moment(self, value: datetime | None):
        if value is None or not self.sqlite:
            return value
        return value.replace(tzinfo=None).isoformat(" ")

    def day(self, value):
        return value.isoformat() if (self.sqlite and value is not None) else value


class DocumentFactory:
    def __init__(self, directory: list[dict], rng: random.Random, now: datetime, vendor: str):
        from vanthu.demo.data import SUBJECT_TEMPLATES, SUBJECTS
        from vanthu.documents.models import Document, DocumentType
        from vanthu.textfold import fold

        self.rng, self.now, self.directory = rng, now, directory
        self.enc = Encoder(vendor)
        self.fold = fold
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.type_codes = list(TYPE_WEIGHTS)
        self.type_weights = list(TYPE_WEIGHTS.values())
        self.subjects: dict[str, list[tuple[str, str]]] = {}
        for code in self.type_codes:
            pool = []
            for domain in SUBJECTS.values():
                for template in SUBJECT_TEMPLATES[code]:
                    for task in domain["tasks"]:
                        text = template.format(
                            task=task,
                            approval=rng.choice(domain["approvals"]),
                            quarter="II",
                            month=5,
                            year=2026,
                            storm=3,
                        )
                        pool.append((text, fold(text)))
            self.subjects[code] = pool
        self.fields = [f for f in Document._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.index = {c: i for i, c in enumerate(self.columns)}
        self.base = [self._default(f) for f in self.fields]
        self.folded: dict[str, str] = {}
        self.next_id = (
            Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1

    def _default(self, field):
        known = {"id", "public_id", "agency_id", "direction", "status", "doc_type_id", "subject"}
        known |= {"created_at", "updated_at"}
        if field.column in known:
            return None
        if field.unique and field.null:
            return None  # e.g. verification_code: NULLs never collide
        if field.unique:
            raise SystemExit(f"benchmarks: unknown unique column {field.column}; teach the loader")
        value = field.get_default()
        if value is None and not field.null:
            raise SystemExit(f"benchmarks: no value for NOT NULL column {field.column}")
        return value

    def f(self, text: str) -> str:
        folded = self.folded.get(text)
        if folded is None:
            folded = self.folded[text] = self.fold(text)
        return folded

    def agency_rows(self, a: dict, count: int):
        """Yield (document row, forwards, named readers) for one agency, in date order."""
        rng, enc, ix = self.rng, self.enc, self.index
        span = 365 * 24 * 3600
        moments = sorted(self.now - timedelta(seconds=rng.randrange(span)) for _ in range(count))
        counters: dict[tuple, int] = {}
        recent = self.now - timedelta(days=3)
        issuers = [d["name"] for d in rng.sample(self.directory, min(30, len(self.directory)))]
        issuers += OUTSIDE
        for moment in moments:
            row = list(self.base)
            doc_id = self.next_id
            self.next_id += 1
            code = rng.choices(self.type_codes, weights=self.type_weights)[0]
            doc_type = self.types[code]
            subject, subject_folded = rng.choice(self.subjects[code])
            local = moment + VN_OFFSET
            unit = rng.choice(("KT", "VX", "NC", "VP"))
            row[ix["id"]] = doc_id
            row[ix["public_id"]] = enc.uuid(uuid.UUID(int=rng.getrandbits(128), version=4))
            row[ix["agency_id"]] = a["pk"]
            row[ix["doc_type_id"]] = doc_type.pk
            row[ix["subject"]] = subject
            secret = rng.random() < 0.003
            if secret:
                row[ix["secrecy"]] = "confidential"
            row[ix["urgency"]] = rng.choices(
                ("normal", "urgent", "very_urgent", "flash"), weights=(80, 13, 5, 2)
            )[0]
            if rng.random() < 0.3:
                row[ix["due_on"]] = enc.day((local + timedelta(days=rng.randint(5, 20))).date())
            forwards = []
            if rng.random() < 0.5:
                issuer = a["name"]
                notation = (
                    f"{a['abbr']}-{unit}"
                    if code == "CV"
                    else f"{doc_type.abbreviation}-{a['abbr']}"
                )
                notation = notation.upper() if code == "CV" else notation
                row[ix["direction"]] = "outgoing"
                row[ix["issuer_name"]] = issuer
                row[ix["issuer_code"]] = a["code"]
                row[ix["drafting_department_id"]] = a["units"][unit]
                row[ix["created_by_id"]] = rng.choice(a["specialists"][unit])
                row[ix["signer_id"]] = rng.choice(a["leaders"])
                row[ix["created_at"]] = enc.moment(moment - timedelta(hours=rng.randint(2, 96)))
                row[ix["updated_at"]] = enc.moment(moment)
                if moment > recent and rng.random() < 0.5:
                    row[ix["status"]] = rng.choice(
                        ("draft", "content_review", "form_check", "awaiting_signature", "approved")
                    )
                    number_text = ""
                else:
                    series = "secret" if secret else "outgoing"
                    key = (local.year, series)
                    counters[key] = number = counters.get(key, 0) + 1
                    number_text = f"{number:02d}"
                    row[ix["status"]] = "issued"
                    row[ix["number"]] = number
                    row[ix["number_text"]] = number_text
                    row[ix["notation"]] = notation
                    row[ix["series"]] = series
                    row[ix["year"]] = local.year
                    row[ix["issued_on"]] = enc.day(local.date())
                    row[ix["issued_at"]] = enc.moment(moment)
            else:
                issuer = rng.choice(issuers)
                number_text = str(rng.randint(1, 3000))
                notation = (
                    f"{doc_type.abbreviation or 'CV'}-{rng.choice(('UBND', 'BTC', 'SNV', 'VPCP'))}"
                )
                row[ix["direction"]] = "incoming"
                row[ix["issuer_name"]] = issuer
                row[ix["number_text"]] = number_text
                row[ix["notation"]] = notation
                row[ix["issued_on"]] = enc.day((local - timedelta(days=rng.randint(0, 5))).date())
                row[ix["arrived_at"]] = row[ix["created_at"]] = enc.moment(moment)
                row[ix["updated_at"]] = enc.moment(moment + timedelta(hours=rng.randint(1, 30)))
                row[ix["created_by_id"]] = a["clerk"]
                row[ix["channel"]] = "paper" if rng.random() < 0.15 else "electronic"
                if moment > recent:
                    status = rng.choice(("arrived", "registered", "presented"))
                else:
                    status = "refused" if rng.random() < 0.01 else "forwarded"
                row[ix["status"]] = status
                if status not in ("arrived", "refused"):
                    key = (local.year, "incoming")
                    counters[key] = number = counters.get(key, 0) + 1
                    row[ix["arrival_number"]] = number
                    row[ix["year"]] = local.year
                if status in ("presented", "forwarded"):
                    row[ix["presented_to_id"]] = leader = rng.choice(a["leaders"])
                if status == "forwarded":
                    handler = rng.choice(a["specialists"][unit])
                    at = moment + timedelta(hours=rng.randint(1, 30))
                    read = at + timedelta(hours=rng.randint(1, 48)) if rng.random() < 0.6 else None
                    forwards = [(doc_id, None, a["units"][unit], leader, at, read)]
                    forwards += [(doc_id, handler, None, leader, at, read)]
            reference = f"{number_text}/{notation}" if number_text and row[ix["notation"]] else ""
            parts = [reference, number_text, row[ix["notation"]], subject]
            folded = [self.f(p) for p in parts[:3] if p] + [subject_folded, self.f(issuer)]
            folded.append(self.f(doc_type.name))
            row[ix["search_text"]] = " ".join(folded)
            readers = [a["clerk"], a["leaders"][0]] if secret else []
            yield tuple(row), forwards, readers
