import re
import subprocess
import sys
from pathlib import Path

import pytest

from vanthu.workdays.cli import main

ROOT = Path(__file__).resolve().parents[2]

HOLIDAYS_2026 = """\
2026-01-01 Tết Dương lịch
2026-01-02 Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01)
2026-02-16 Tết Âm lịch (29 tháng Chạp)
2026-02-17 Tết Âm lịch (mùng 1 tháng Giêng)
2026-02-18 Tết Âm lịch (mùng 2 tháng Giêng)
2026-02-19 Tết Âm lịch (mùng 3 tháng Giêng)
2026-02-20 Tết Âm lịch (mùng 4 tháng Giêng)
2026-04-26 Giỗ Tổ Hùng Vương (10/3 âm lịch)
2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương (26/04 trùng Chủ nhật)
2026-04-30 Ngày Chiến thắng (30/4)
2026-05-01 Ngày Quốc tế Lao động (1/5)
2026-08-31 Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08)
2026-09-01 Quốc khánh (ngày liền kề)
2026-09-02 Quốc khánh (2/9)
"""


def test_it_prints_the_holidays_of_a_year(capsys):
    assert main(["holidays", "2026"]) == 0
    out, err = capsys.readouterr()
    assert out == HOLIDAYS_2026
    assert err == ""


def test_it_adds_working_days(capsys):
    assert main(["add", "2026-02-12", "5"]) == 0
    assert capsys.readouterr().out == "2026-02-26\n"
    assert main(["add", "2026-02-14", "0"]) == 0
    assert capsys.readouterr().out == "2026-02-23\n"


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["holidays", "1999"], "year outside 2000–2050"),
        (["holidays", "2051"], "year outside 2000–2050"),
        (["holidays", "hai nghìn"], "invalid year"),
        (["add", "2026-02-30", "1"], "invalid date"),
        (["add", "12/02/2026", "1"], "invalid date"),
        (["add", "2026-02-12", "-1"], "must be ≥ 0"),
        (["add", "2026-02-12", "năm"], "invalid number of days"),
        (["add", "1999-12-31", "1"], "year outside 2000–2050"),
        (["add", "2050-12-30", "5"], "result outside 2000–2050"),
        (["add", "2026-02-12"], "bad usage"),
        (["easter", "2026"], "bad usage"),
        ([], "bad usage"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, reason):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert reason in err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "holidays" in capsys.readouterr().out


def test_python_m_runs_the_cli_without_django():
    result = subprocess.run(
        [sys.executable, "-m", "vanthu.workdays", "holidays", "2026"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, HOLIDAYS_2026)
    probe = "import sys, vanthu.workdays.cli; print('django' in sys.modules)"
    imported = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert imported.stdout.strip() == "False"


def test_no_module_imports_django():
    importing = re.compile(r"^\s*(from|import)\s+django", re.MULTILINE)
    for path in (ROOT / "vanthu" / "workdays").glob("*.py"):
        assert not importing.search(path.read_text(encoding="utf-8")), path.name
