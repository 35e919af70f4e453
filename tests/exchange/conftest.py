"""The connector against a real hub: `python -m vanthu.hub serve` as a child process on
127.0.0.1 (its own SQLite database in a temporary directory), started once per test module
and stopped by its process id.

This deployment (the Django test database) is system A, hosting the persona agencies of
Nghệ An. The test itself plays system B, another vendor's product hosting two ministries: it
talks to the hub with a raw VxpClient and builds and reads packages with vanthu.edxml.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterator

import pytest

from tests import files
from vanthu.directory.models import Agency
from vanthu.edxml import (
    Attachment,
    Business,
    Code,
    DocumentType,
    Edoc,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Signer,
    StatusMessage,
    TraceEntry,
    build_edoc,
    parse,
)
from vanthu.edxml.constants import VN_TZ
from vanthu.hub.process import HubProcess
from vanthu.vxp import VxpClient

SYSTEM_A, SECRET_A = "vanthu.nghean", "secret-of-a-conn-0123456789"
SYSTEM_B, SECRET_B = "vendor.bo", "secret-of-b-conn-0123456789"
BO_NV, BO_KHDT = "000.00.00.G09", "000.00.00.G05"  # Bộ Nội vụ, Bộ Kế hoạch và Đầu tư (on B)
UNKNOWN_AT_HUB = "000.00.00.G99"
# Registered at the hub for A, but unknown to A's own directory.
NOT_IN_DIRECTORY = "000.00.77.H41"

DIRECTORY = {
    "systems": [
        {"systemid": SYSTEM_A, "secret": SECRET_A, "name": "VanThu tỉnh Nghệ An"},
        {"systemid": SYSTEM_B, "secret": SECRET_B, "name": "QLVB của bộ (hãng khác)"},
    ],
    "agencies": [
        {"system": SYSTEM_A, "code": "000.00.00.H41", "name": "UBND tỉnh Nghệ An"},
        {"system": SYSTEM_A, "code": "000.05.00.H41", "name": "Sở Tài chính tỉnh Nghệ An"},
        {"system": SYSTEM_A, "code": "001.00.10.H41", "name": "UBND xã Hưng Nguyên"},
        {"system": SYSTEM_A, "code": NOT_IN_DIRECTORY, "name": "Cơ quan chưa có trong danh bạ"},
        {"system": SYSTEM_B, "code": BO_NV, "name": "Bộ Nội vụ"},
        {"system": SYSTEM_B, "code": BO_KHDT, "name": "Bộ Kế hoạch và Đầu tư"},
    ],
}


def start_hub(data_dir, port: int | None = None) -> HubProcess:
    return HubProcess(data_dir, port=port, workers=1, threads=4, directory=DIRECTORY).start()


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[HubProcess]:
    process = start_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield process
    finally:
        process.stop()


def client_a(url: str) -> VxpClient:
    return VxpClient(url, SYSTEM_A, SECRET_A, timeout=10)


def drain(client: VxpClient) -> None:
    """Acknowledge whatever earlier tests of the module left at the hub for `client`: each
    test starts from empty inboxes (the hub outlives the per-test Django database)."""
    for messagetype in ("edoc", "status"):
        for item in client.received(messagetype):
            client.update_status(item["docId"], "done")


@pytest.fixture
def connected(settings, hub) -> HubProcess:
    """This deployment configured as system A of the running hub, with quick retries."""
    settings.VANTHU_HUB_URL = hub.url
    settings.VANTHU_HUB_SYSTEM_ID = SYSTEM_A
    settings.VANTHU_HUB_SECRET = SECRET_A
    settings.VANTHU_HUB_TIMEOUT = 10
    settings.VANTHU_EXCHANGE_RETRY_BASE_SECONDS = 30
    with client_a(hub.url) as a:
        drain(a)
    return hub


@pytest.fixture
def vendor_b(hub) -> Iterator[VxpClient]:
    with VxpClient(hub.url, SYSTEM_B, SECRET_B, timeout=10) as client:
        drain(client)
        yield client


@pytest.fixture
def ministry(world) -> Agency:
    """Bộ Nội vụ in A's directory: an agency outside this deployment, reached over the hub."""
    return Agency.objects.create(
        code=BO_NV, name="Bộ Nội vụ", abbreviation="BNV", exchange_channel="hub"
    )


# Days before 20/11/2026 for the current test's ministry documents (see below).
_TESTS = itertools.count()
_days_back = 0


@pytest.fixture(autouse=True)
def _own_promulgation_date() -> None:
    """The hub outlives each test's database, and it answers bytes it already holds with the
    DocId it gave them, delivering nothing new. Two tests reporting 01 on "the same" ministry
    document within one second would send identical status messages; each test's documents
    get their own date (in ResponseFor), so their statuses never collide."""
    global _days_back
    _days_back = next(_TESTS)


def unique_subject(text: str = "Về việc hướng dẫn liên thông văn bản điện tử") -> str:
    # The hub outlives the per-test database: a unique subject keeps each test's packages
    # distinct (the hub answers identical bytes with the DocId it gave before).
    return f"{text} ({uuid.uuid4().hex[:8]})"


def ministry_edoc(
    *,
    to: list[str],
    number: str = "215",
    subject: str | None = None,
    sent_at: dt.datetime | None = None,
    attachments: list[Attachment] | None = None,
    business_type: int = 0,
    document_id: str | None = None,
    **fields,
) -> Edoc:
    """A công văn of Bộ Nội vụ as system B's product would send it."""
    promulgated = dt.date(2026, 11, 20) - dt.timedelta(days=_days_back)
    code = Code(number=number, notation="BNV-VP")
    values = {
        "from_": Organization(organ_id=BO_NV, name="Bộ Nội vụ", in_charge="Chính phủ"),
        "to": [Organization(organ_id=code_, name="") for code_ in to],
        "code": code,
        "subject": subject or unique_subject(),
        "promulgation_info": PromulgationInfo(place="Hà Nội", date=promulgated),
        "document_type": DocumentType(type=1, type_detail=0, type_name="Công văn"),
        "signer": Signer(competence="KT. BỘ TRƯỞNG", position="Thứ trưởng", full_name="Vũ Chiến"),
        "due_date": dt.date(2026, 12, 15),
        "priority": 1,
        "to_places": ["Như trên", "Lưu: VT, VP"],
        "other_info": OtherInfo(promulgation_amount=3, page_amount=1),
        "document_id": document_id or f"{BO_NV},{promulgated:%Y/%m/%d},{code}",
        "business": Business(business_doc_type=business_type, paper=0),
        "trace": [TraceEntry(organ_id=BO_NV, timestamp=sent_at or dt.datetime.now(VN_TZ))],
        "attachments": attachments
        if attachments is not None
        else [
            Attachment(
                name="215-BNV-VP.pdf",
                content_type="application/pdf",
                description="Văn bản chính",
                data=files.pdf(["Bộ Nội vụ", "Công văn hướng dẫn"]),
            ),
            Attachment(
                name="phu-luc.pdf",
                content_type="application/pdf",
                description="Phụ lục",
                data=files.pdf(["Phụ lục"]),
            ),
        ],
    }
    values.update(fields)
    return Edoc(**values)


def send_from_b(client: VxpClient, edoc: Edoc, *, zip_attachments: bool = True) -> str:
    return client.send_edoc(
        build_edoc(edoc, zip_attachments=zip_attachments), from_organ=edoc.from_.organ_id
    )


def statuses_for_b(client: VxpClient) -> list[StatusMessage]:
    """What system B reads from its status list (parsed), acknowledged as it goes."""
    result = []
    for item in client.received("status"):
        message = parse(client.get_edoc(item["docId"]))
        assert isinstance(message, StatusMessage)
        client.update_status(item["docId"], "done")
        result.append(message)
    return result


def edocs_for_b(client: VxpClient) -> list[tuple[str, Edoc]]:
    result = []
    for item in client.received("edoc"):
        message = parse(client.get_edoc(item["docId"]))
        assert isinstance(message, Edoc)
        client.update_status(item["docId"], "done")
        result.append((item["docId"], message))
    return result
