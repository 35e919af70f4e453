"""`vanthu workdays ...`: the working-day calendar on the command line.

    holidays YEAR   the year's days off, one `ISO-date name` a line, sorted
    add DATE N      the date N working days after DATE

Bad input exits with status 2 and one line on stderr, in Vietnamese and English.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from vanthu.workdays.calendar import FIRST_YEAR, LAST_YEAR, OutOfRangeError, WorkCalendar

__all__ = ["main"]

USAGE_ERROR = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse would print the usage block and exit; the contract is one line and 2.
        raise _UsageError(f"cú pháp sai / bad usage: {message}")


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise _UsageError(f"năm không hợp lệ / invalid year: {text!r}") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _UsageError(
            f"năm {year} ngoài {FIRST_YEAR}–{LAST_YEAR} / year outside {FIRST_YEAR}–{LAST_YEAR}"
        )
    return year


def _date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise _UsageError(
            f"ngày không hợp lệ (YYYY-MM-DD) / invalid date (YYYY-MM-DD): {text!r}"
        ) from None
    _year(str(day.year))
    return day


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise _UsageError(f"số ngày không hợp lệ / invalid number of days: {text!r}") from None
    if n < 0:
        raise _UsageError(f"số ngày phải ≥ 0 / number of days must be ≥ 0: {n}")
    return n


def _parser() -> _Parser:
    parser = _Parser(
        prog="vanthu workdays",
        description="Lịch ngày làm việc Việt Nam / Vietnam's working-day calendar.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    holidays = sub.add_parser("holidays", help="ngày nghỉ của năm / the year's days off")
    holidays.add_argument("year", metavar="YEAR")
    add = sub.add_parser("add", help="cộng N ngày làm việc / add N working days")
    add.add_argument("date", metavar="DATE")
    add.add_argument("n", metavar="N")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    calendar = WorkCalendar()
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        if args.command == "holidays":
            lines = [
                f"{day.isoformat()} {name}" for day, name in calendar.holidays(_year(args.year))
            ]
        else:
            start, n = _date(args.date), _count(args.n)
            try:
                lines = [calendar.add_working_days(start, n).isoformat()]
            except OutOfRangeError:
                raise _UsageError(
                    f"kết quả ngoài {FIRST_YEAR}–{LAST_YEAR} / result outside "
                    f"{FIRST_YEAR}–{LAST_YEAR}"
                ) from None
    except _UsageError as error:
        sys.stderr.write(f"vanthu workdays: {error}\n")
        return USAGE_ERROR
    except SystemExit as exit_:  # --help prints and exits through argparse
        return exit_.code if isinstance(exit_.code, int) else 0
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0
