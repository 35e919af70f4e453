"""The five Appendix IV registers: their columns, rows, period and who sees what."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reports.make import forward, issue_outgoing, moment, read, register_incoming
from vanthu.documents.access import documents_visible_to
from vanthu.errors import PermissionDenied
from vanthu.reports import registers
from vanthu.reports.catalogue import REGISTERS

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _rows(register, user, agency, period=MARCH):
    return list(register(user, agency, *period))


def test_every_register_has_the_appendix_iv_columns():
    columns = {slug: [c.label for c in r.columns] for slug, r in REGISTERS.items()}
    assert columns["van-ban-di"][0] == "Số, ký hiệu văn bản"
    assert len(columns["van-ban-di"]) == 10
    assert columns["van-ban-den"][:2] == ["Ngày đến", "Số đến"]
    assert len(columns["van-ban-den"]) == 10
    assert columns["gui-buu-dien"] == [
        "Ngày chuyển",
        "Số, ký hiệu văn bản",
        "Nơi nhận văn bản",
        "Số lượng bì",
        "Ký nhận và dấu bưu điện",
        "Ghi chú",
    ]
    assert len(columns["su-dung-ban-luu"]) == 9
    assert len(columns["giai-quyet-van-ban-den"]) == 7
    assert REGISTERS["van-ban-den"].title == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"


def test_outgoing_register_lists_issued_documents_with_their_columns(world):
    doc = issue_outgoing(
        world,
        "Về việc hỗ trợ đồng bào vùng lũ",
        on=date(2026, 3, 10),
        issued_amount=6,
        urgency="urgent",
        description="Gửi kèm dự toán",
    )
    [row] = _rows(registers.outgoing_register, world.clerk_ubnd, world.ubnd)
    assert row == (
        "01/UBND-KT",
        date(2026, 3, 10),
        "Công văn: Về việc hỗ trợ đồng bào vùng lũ",
        "Trần Văn Chủ Tịch",
        "Sở Tài chính tỉnh Nghệ An; Như trên; Lưu: VT, KT.",
        "Phòng Kinh tế",
        6,
        date(2026, 3, 10),
        "",
        "Khẩn; Gửi kèm dự toán",
    )
    assert len(row) == len(REGISTERS["van-ban-di"].columns)
    assert doc.reference == "01/UBND-KT"


def test_outgoing_register_leaves_out_drafts_and_other_agencies(world):
    issue_outgoing(world, "Về việc đã phát hành", on=date(2026, 3, 10))
    # Issuing delivers a copy to Sở Tài chính: it is their incoming, not our outgoing.
    assert _rows(registers.outgoing_register, world.clerk_stc, world.stc) == []
    assert len(_rows(registers.outgoing_register, world.clerk_ubnd, world.ubnd)) == 1


def test_incoming_register_orders_by_arrival_number_and_names_receivers(world):
    first = register_incoming(world, "Về việc quyết toán ngân sách", at=moment(date(2026, 3, 3)))
    second = register_incoming(
        world, "Về việc kiểm kê tài sản công", at=moment(date(2026, 3, 4)), number_text="13"
    )
    forward(world, first, at=moment(date(2026, 3, 5), 14))
    rows = _rows(registers.incoming_register, world.leader_ubnd, world.ubnd)
    assert [r[1] for r in rows] == [first.arrival_number, second.arrival_number] == [1, 2]
    assert rows[0] == (
        date(2026, 3, 3),
        1,
        "Bộ Tài chính",
        "12/TB-BTC",
        date(2026, 3, 2),
        "Thông báo: Về việc quyết toán ngân sách",
        "Đỗ Thị Hai; Phòng Kinh tế",
        date(2026, 3, 5),
        "",
        "",
    )
    assert rows[1][6:8] == ("", None)


def test_postal_register_lists_only_documents_with_paper_recipients(world):
    issue_outgoing(world, "Về việc gửi bản giấy", on=date(2026, 3, 9))
    issue_outgoing(world, "Về việc chỉ gửi điện tử", on=date(2026, 3, 9), recipients_text="")
    rows = _rows(registers.postal_register, world.clerk_ubnd, world.ubnd)
    assert rows == [(date(2026, 3, 9), "01/UBND-KT", "Như trên; Lưu: VT, KT.", None, "", "")]


def test_archive_use_register_lists_reads_of_issued_documents(world):
    doc = issue_outgoing(world, "Về việc lưu trữ hồ sơ", on=date(2026, 3, 2))
    read(world.specialist2_ubnd, doc, at=moment(date(2026, 3, 20), 10))
    read(world.leader_ubnd, doc, at=moment(date(2026, 4, 2), 10))  # outside the period
    [row] = _rows(registers.archive_use_register, world.clerk_ubnd, world.ubnd)
    assert row == (
        date(2026, 3, 20),
        "Đỗ Thị Hai",
        "01/UBND-KT, ngày 02/03/2026",
        "Công văn: Về việc lưu trữ hồ sơ",
        "",
        "",
        None,
        "",
        "Xem bản điện tử trên hệ thống",
    )


def test_handling_register_shows_deadline_and_progress(world):
    doc = register_incoming(
        world,
        "Về việc báo cáo tình hình giải ngân",
        at=moment(date(2026, 3, 3)),
        due_on=date(2026, 3, 25),
    )
    register_incoming(world, "Về việc chưa chuyển", at=moment(date(2026, 3, 4)), number_text="14")
    forward(world, doc, at=moment(date(2026, 3, 4)))
    rows = _rows(registers.handling_register, world.clerk_ubnd, world.ubnd)
    assert rows[0] == (
        1,
        "Thông báo số 12/TB-BTC, ngày 02/03/2026 của Bộ Tài chính",
        "Đỗ Thị Hai; Phòng Kinh tế",
        date(2026, 3, 25),
        "Đã chuyển xử lý",
        "",
        "",
    )
    assert rows[1][4] == "Đã vào sổ"


def test_incoming_period_follows_arrival_time_in_vietnam(world):
    # 23:30 on 31 March in Hà Nội is 16:30 UTC: still March's register.
    register_incoming(world, "Về việc đến cuối tháng", at=moment(date(2026, 3, 31), 23, 30))
    # 00:15 on 1 April in Hà Nội is still 31 March in UTC: April's register.
    register_incoming(
        world, "Về việc đến đầu tháng", at=moment(date(2026, 4, 1), 0, 15), number_text="20"
    )
    march = _rows(registers.incoming_register, world.clerk_ubnd, world.ubnd)
    april = _rows(
        registers.incoming_register, world.clerk_ubnd, world.ubnd, (date(2026, 4, 1),) * 2
    )
    assert [r[5] for r in march] == ["Thông báo: Về việc đến cuối tháng"]
    assert [r[5] for r in april] == ["Thông báo: Về việc đến đầu tháng"]


def test_outgoing_period_follows_issue_date(world):
    issue_outgoing(world, "Về việc tháng hai", on=date(2026, 2, 27))
    issue_outgoing(world, "Về việc tháng ba", on=date(2026, 3, 2))
    rows = _rows(registers.outgoing_register, world.clerk_ubnd, world.ubnd)
    assert [r[2] for r in rows] == ["Công văn: Về việc tháng ba"]
    both = (date(2026, 2, 1), date(2026, 3, 31))
    assert len(_rows(registers.outgoing_register, world.clerk_ubnd, world.ubnd, both)) == 2


def test_secret_documents_appear_only_for_named_readers(world):
    secret = issue_outgoing(world, "Về việc mật", on=date(2026, 3, 6), secret=True)
    issue_outgoing(world, "Về việc thường", on=date(2026, 3, 6))
    read(world.leader_ubnd, secret, at=moment(date(2026, 3, 7)))
    register_incoming(world, "Về việc đến mật", at=moment(date(2026, 3, 6)), secret=True)
    for register, visible_to_clerk in (
        (registers.outgoing_register, 1),
        (registers.postal_register, 1),
        (registers.archive_use_register, 0),
    ):
        clerk_rows = _rows(register, world.clerk_ubnd, world.ubnd)
        assert len(clerk_rows) == visible_to_clerk, register.__name__
        assert "Mật" not in str(clerk_rows)
        # The chairman signed it, so he is named on it and sees it in every register.
        leader_rows = _rows(register, world.leader_ubnd, world.ubnd)
        assert len(leader_rows) == visible_to_clerk + 1, register.__name__
    # The clerk registered the secret incoming document and is named on it; the chairman
    # who keeps no register of it and was not named does not see it.
    assert len(_rows(registers.incoming_register, world.clerk_ubnd, world.ubnd)) == 1
    assert _rows(registers.handling_register, world.leader_ubnd, world.ubnd) == []


@pytest.mark.parametrize("persona", ["specialist_ubnd", "dept_leader_ubnd", "outsider"])
def test_only_clerks_and_leaders_read_registers(world, persona):
    for register in REGISTERS.values():
        with pytest.raises(PermissionDenied):
            register.query(getattr(world, persona), world.ubnd, *MARCH)
    with pytest.raises(PermissionDenied):
        registers.incoming_register(world.clerk_stc, world.ubnd, *MARCH)


def test_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    for n in range(4):
        doc = issue_outgoing(world, f"Về việc số {n}", on=date(2026, 3, 2 + n))
        read(world.specialist2_ubnd, doc, at=moment(date(2026, 3, 20)))
        incoming = register_incoming(
            world, f"Về việc đến {n}", at=moment(date(2026, 3, 3 + n)), number_text=str(30 + n)
        )
        forward(world, incoming, at=moment(date(2026, 3, 10)))
    # One query per request (not per row) asks whether the clerk stands in for anyone today
    # (delegation register); it is cached on the user, so warm it before counting.
    documents_visible_to(world.clerk_ubnd).exists()
    for register in REGISTERS.values():
        # The rows (1), then one prefetch or the documents read (1): never one per row.
        with django_assert_max_num_queries(2):
            rows = list(register.query(world.clerk_ubnd, world.ubnd, *MARCH))
        assert len(rows) == 4, register.slug
