"""Search ignores case and Vietnamese diacritics (đ included) and finds number/notation
references, identically on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.documents.helpers import make_draft, make_issued, register
from vanthu.documents.models import Document, NumberCounter
from vanthu.documents.search import apply_search


@pytest.fixture
def docs(world):
    NumberCounter.objects.create(
        agency=world.ubnd, year=timezone.localdate().year, series="outgoing", last_value=14
    )
    return {
        "decision": make_issued(
            world, doc_type_code="QD", subject="Quyết định phê duyệt quy hoạch giao thông"
        ),
        "request": register(
            world,
            doc_type_code="TTR",
            subject="Tờ trình đề nghị cấp kinh phí sửa chữa",
            number_text="7",
            notation="STC-NS",
        ),
        "road": make_draft(world, doc_type_code="KH", subject="Kế hoạch nâng cấp Đường tỉnh 534"),
        "paper": register(
            world,
            doc_type_code="BC",
            subject="Báo cáo tình hình thu ngân sách",
            number_text="15",
            notation="qđ-ubnd",
            issuer_name="Ủy ban nhân dân huyện Nam Đàn",
        ),
    }


def _found(docs, query) -> set[str]:
    hits = set(apply_search(Document.objects.all(), query))
    return {name for name, doc in docs.items() if doc in hits}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("quyet dinh", {"decision"}),
        ("QUYẾT ĐỊNH", {"decision"}),
        ("de nghi", {"request"}),
        ("đề nghị", {"request"}),
        ("DUONG", {"road"}),
        ("đường tỉnh 534", {"road"}),
        ("ngan sach", {"paper"}),
        ("nam dan", {"paper"}),
        # Word order and extra spaces do not matter; every word must match.
        ("  kinh phi   to trinh ", {"request"}),
        ("quy hoach ngan sach", set()),
    ],
)
def test_it_ignores_case_and_diacritics(docs, query, expected):
    assert _found(docs, query) == expected


@pytest.mark.parametrize(
    "query,expected",
    [
        ("15/QĐ-UBND", {"decision", "paper"}),
        ("15/qd-ubnd", {"decision", "paper"}),
        ("qd-ubnd", {"decision", "paper"}),
        ("07/STC-NS", {"request"}),
        ("stc-ns", {"request"}),
    ],
)
def test_it_finds_number_and_notation(docs, query, expected):
    assert docs["decision"].reference == "15/QĐ-UBND"
    assert _found(docs, query) == expected


def test_an_empty_query_finds_everything(docs):
    assert _found(docs, "   ") == set(docs)


def test_it_treats_like_wildcards_literally(docs):
    assert _found(docs, "%") == set()
    assert _found(docs, "_") == set()


def test_it_finds_the_delivered_copy_by_its_reference(world):
    make_issued(world, doc_type_code="QD", recipients=[world.stc], subject="Quyết định khen thưởng")
    copy = Document.objects.get(direction="incoming")
    assert list(apply_search(Document.objects.filter(agency=world.stc), "01/qd-ubnd khen")) == [
        copy
    ]
