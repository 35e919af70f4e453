"""The directory and the hub's: import the agencies reachable through the hub
(getAgenciesList) and declare ours (registerAgency).

Imported agencies are "hub" agencies (kênh liên thông: trục). Nothing is ever deleted —
documents point at agencies for ever — an agency the hub no longer lists is marked no longer
valid (valid_to). Agencies hosted by this deployment ("local") are never touched by an import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from vanthu.audit.events import record_event
from vanthu.directory.models import Agency
from vanthu.documents.numbering import local_today
from vanthu.vxp import VxpClient, VxpError

SYNC_NOTE = "Đồng bộ từ danh mục của trục liên thông"


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    invalidated: int = 0
    skipped: list[str] = field(default_factory=list)


def _abbreviation(name: str) -> str:
    # Only used in the notation of documents the agency issues itself, which a hub agency
    # never does here; the initials keep the field meaningful in lists.
    return "".join(word[0] for word in name.split() if word[0].isalnum()).upper()[:20]


def _listed(row: dict) -> bool:
    deleted = row.get("deleted")
    return not (deleted is True or str(deleted).lower() in ("1", "true"))


def sync_agencies(client: VxpClient) -> SyncReport:
    """Create or update the hub's agencies by code; invalidate those it dropped."""
    rows = client.agencies()
    report = SyncReport()
    today = local_today()
    with transaction.atomic():
        existing = {a.code: a for a in Agency.objects.all()}
        listed: set[str] = set()
        parents: dict[str, str] = {}
        for row in rows:
            code = str(row.get("code102") or row.get("code") or "").strip().upper()
            name = " ".join(str(row.get("name") or "").split())[:200]
            if not code or not name or len(code) > 13:
                report.skipped.append(code or "(không mã)")
                continue
            agency = existing.get(code)
            if agency is not None and agency.exchange_channel != "hub":
                continue  # ours: this deployment is its source of truth
            if not _listed(row):
                continue  # invalidated below, as if not listed
            listed.add(code)
            parents[code] = str(row.get("pid") or row.get("pcode") or "").strip().upper()
            values = {
                "name": name,
                "code_qd20": str(row.get("codeQD20") or "")[:35],
                "email": str(row.get("mail") or "")[:254],
                "external_id": str(row.get("id") or "")[:64],
            }
            if agency is None:
                agency = Agency.objects.create(
                    code=code,
                    abbreviation=_abbreviation(name),
                    exchange_channel="hub",
                    **values,
                )
                existing[code] = agency
                report.created += 1
                _log("directory.agency_created", agency)
                continue
            changed = {k: v for k, v in values.items() if getattr(agency, k) != v}
            if agency.valid_to is not None and agency.successor_id is None:
                changed["valid_to"] = None  # listed again: reachable again
            if changed:
                for key, value in changed.items():
                    setattr(agency, key, value)
                agency.save(update_fields=list(changed))
                report.updated += 1
                _log("directory.agency_updated", agency)
        for code, parent_code in parents.items():
            agency, parent = existing[code], existing.get(parent_code)
            if parent is not None and parent.pk != agency.pk and agency.parent_id != parent.pk:
                Agency.objects.filter(pk=agency.pk).update(parent=parent)
        gone = [
            a
            for a in existing.values()
            if a.exchange_channel == "hub" and a.code not in listed and a.valid_to is None
        ]
        for agency in gone:
            # Valid until yesterday: from today on it can no longer be chosen as a recipient.
            agency.valid_to = today - timedelta(days=1)
            agency.save(update_fields=["valid_to"])
            _log("directory.agency_updated", agency, note="Trục không còn liệt kê cơ quan này")
            report.invalidated += 1
    return report


def _log(action: str, agency: Agency, note: str = SYNC_NOTE) -> None:
    record_event(
        action,
        agency,
        agency=agency,
        after={"code": agency.code, "name": agency.name, "valid_to": str(agency.valid_to or "")},
        note=note,
    )


def register_agencies(client: VxpClient) -> tuple[list[Agency], list[str]]:
    """Declare this deployment's current local agencies at the hub. Returns (registered,
    errors); one refusal does not stop the others."""
    today = local_today()
    done, errors = [], []
    agencies = Agency.objects.filter(exchange_channel="local").select_related("parent")
    for agency in agencies.order_by("code"):
        if not agency.is_active_on(today):
            continue
        try:
            client.register_agency(
                {
                    "id": str(agency.pk),
                    "pcode": agency.parent.code if agency.parent_id else "",
                    "code": agency.code,
                    "codeQD20": agency.code_qd20,
                    "name": agency.name,
                    "mail": agency.email,
                    "mobile": "",
                    "fax": "",
                }
            )
        except VxpError as exc:
            errors.append(f"{agency.code}: {exc.description or exc.code}")
        else:
            done.append(agency)
    return done, errors
