"""The yearly government decisions on holidays, shipped as data until administrators enter
them (the Django side will load them from the database and pass them to WorkCalendar).

Announced versus derived. The statutory dates themselves (Tết from the lunar calendar,
Giỗ Tổ 10/3 âm lịch, 1/1, 30/4, 1/5, 2/9) are always derived by `holidays.py`; a decision
lists only what the government announced on top of them: compensatory days, swapped days,
the Saturdays worked in exchange, and the second Quốc khánh day. Every date below was
announced; the sources are press reports of the instruments, not the instruments' text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from vanthu.workdays.holidays import YearDecision

__all__ = ["DECISION_2025", "DECISION_2026", "DECISIONS"]

DECISION_2025 = YearDecision(
    # Tết Ất Tỵ: Sat 25/01 – Sun 02/02/2025. The statutory days are 28/01 (29 tháng Chạp) to
    # 01/02 (mùng 4, a Saturday); the day owed for that Saturday is taken before Tết, on
    # Monday 27/01, instead of after it. No Saturday worked.
    # 30/4–1/5: Wed 30/04 – Sun 04/05/2025, Friday 02/05 swapped with Saturday 26/04.
    # Quốc khánh: Mon 01/09 and Tue 02/09/2025 (with the weekend, 30/08 – 02/09).
    days_off={date(2025, 1, 27), date(2025, 5, 2)},
    working_days={date(2025, 4, 26)},
    note=(
        "Tết Âm lịch nghỉ 25/01–02/02/2025; nghỉ 30/4–04/5/2025, làm bù thứ Bảy 26/4; "
        "Quốc khánh nghỉ 01–02/9/2025."
    ),
    national_day_adjacent=date(2025, 9, 1),
    names={
        date(2025, 1, 27): "Nghỉ Tết Âm lịch (bù mùng 4 Tết trùng thứ Bảy 01/02)",
        date(2025, 5, 2): "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/04)",
    },
    sources=(
        "Thông báo 6150/TB-BLĐTBXH (2024): Tết Âm lịch 2025",
        "Hoán đổi ngày làm việc 02/5 ↔ 26/4/2025 và nghỉ Quốc khánh 01–02/9/2025 (theo báo chí)",
    ),
)

DECISION_2026 = YearDecision(
    # Tết Dương lịch: Thu 01/01 – Sun 04/01/2026; Friday 02/01 swapped with Saturday 10/01
    # (Văn bản 12729/VPCP-KGVX, 25/12/2025).
    # Tết Bính Ngọ: Sat 14/02 – Sun 22/02/2026 (27 tháng Chạp – mùng 6 Tết). The five
    # statutory days 16/02 (29 tháng Chạp) – 20/02 (mùng 4) are all weekdays: nothing to add.
    # Giỗ Tổ Hùng Vương: 10/3 âm lịch is Sunday 26/04/2026; compensatory day Monday 27/04.
    # 30/4 (Thursday) and 1/5 (Friday): nothing to add.
    # Quốc khánh: 01/09 (Tuesday) is the second day; Monday 31/08 swapped with Saturday
    # 22/08, giving Sat 29/08 – Wed 02/09 (5 days). The swap's date comes from a secondary
    # source (the `holidays` package data and press summaries of the 2026 plan: "5 ngày dịp
    # Quốc khánh"); check it against the Bộ Nội vụ notice.
    # 24/11 (Ngày Văn hóa Việt Nam) is not included: see holidays.PROPOSED_HOLIDAYS.
    days_off={date(2026, 1, 2), date(2026, 4, 27), date(2026, 8, 31)},
    working_days={date(2026, 1, 10), date(2026, 8, 22)},
    note=(
        "Tết Dương lịch nghỉ 01–04/01/2026, làm bù thứ Bảy 10/01; Tết Âm lịch nghỉ "
        "14/02–22/02/2026; Giỗ Tổ nghỉ bù 27/04; Quốc khánh nghỉ 29/08–02/09/2026, làm bù "
        "thứ Bảy 22/08."
    ),
    national_day_adjacent=date(2026, 9, 1),
    names={
        date(2026, 1, 2): "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01)",
        date(2026, 4, 27): "Nghỉ bù Giỗ Tổ Hùng Vương (26/04 trùng Chủ nhật)",
        date(2026, 8, 31): "Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08)",
    },
    sources=(
        "Văn bản 12729/VPCP-KGVX (25/12/2025): Tết Dương lịch 2026",
        "Phương án nghỉ Tết Nguyên đán 2026 của Bộ Nội vụ được Thủ tướng đồng ý (theo báo chí)",
        "Phương án nghỉ lễ Quốc khánh 2026 (theo báo chí; ngày làm bù cần đối chiếu)",
    ),
)

DECISIONS: Mapping[int, YearDecision] = MappingProxyType({2025: DECISION_2025, 2026: DECISION_2026})
