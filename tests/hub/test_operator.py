"""The operator page of a real hub: login with a Django account made by the command line,
then traffic per agency pair, packages waiting with their age, failures, refusals, systems
and agencies."""

from __future__ import annotations

import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .conftest import H41, SO_TTTT_QN, raw_call, unique_edoc

PASSWORD = "mat-khau-van-hanh-2026"


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode("utf-8")

    def login(self, username: str, password: str) -> tuple[str, str]:
        _url, page = self.get("/van-hanh/dang-nhap/?next=/van-hanh/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token,
                "next": "/van-hanh/",
            }
        ).encode()
        request = urllib.request.Request(
            self.base + "/van-hanh/dang-nhap/", data=form, headers={"Referer": self.base}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode("utf-8")


@pytest.fixture(scope="module")
def operator(hub):
    result = hub.process.cli("add-operator", "--username", "vanhanh", "--password", PASSWORD)
    assert "vanhanh" in result.stdout
    return "vanhanh"


def test_the_page_needs_a_login(hub):
    url, page = Browser(hub.url).get("/van-hanh/")
    assert "/van-hanh/dang-nhap/" in url
    assert "Đăng nhập trang vận hành" in page


def test_a_wrong_password_is_refused(hub, operator):
    url, page = Browser(hub.url).login(operator, "sai-mat-khau")
    assert "/van-hanh/dang-nhap/" in url
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page


def test_the_operator_sees_traffic_waiting_packages_failures_and_refusals(hub, operator):
    a, b = hub.client("sys.a"), hub.client("sys.b")
    waiting = a.send_edoc(unique_edoc([SO_TTTT_QN]), from_organ=H41)
    failed = a.send_edoc(unique_edoc([SO_TTTT_QN]), from_organ=H41)
    b.update_status(failed, "fail")
    status, _body = raw_call(hub, "getEdoc")  # no signature at all
    assert status == 401
    a.close()
    b.close()

    url, page = Browser(hub.url).login(operator, PASSWORD)
    assert url.endswith("/van-hanh/")
    text = html.unescape(page)
    assert "Trục liên thông văn bản — 000.00.00.G22" in text
    # Waiting packages with their age; the failed one under failures with its reason.
    waiting_section = text.split("<h2>Chưa giao hoặc chưa xác nhận</h2>")[1].split("<h2>")[0]
    assert waiting in waiting_section
    assert failed not in waiting_section
    failed_section = text.split("<h2>Nơi nhận báo lỗi</h2>")[1].split("<h2>")[0]
    assert failed in failed_section and "Hệ thống nhận báo lỗi." in failed_section
    # Traffic per pair, with names from the directory.
    pairs = text.split("<h2>Lưu lượng theo cặp cơ quan</h2>")[1].split("<h2>")[0]
    assert re.search(
        rf"{re.escape(H41)} <span class=\"muted\">UBND tỉnh Nghệ An</span></td>\s*"
        rf"<td>{re.escape(SO_TTTT_QN)} <span class=\"muted\">Sở TT&TT Quảng Nam</span></td>\s*"
        r"<td class=\"num\">(\d+)</td>",
        pairs,
    )
    refused = text.split("<h2>Yêu cầu bị từ chối</h2>")[1].split("<h2>")[0]
    assert "Thiếu tiêu đề xác thực XroadVnpt." in refused
    assert "getEdoc" in refused
    systems = text.split("<h2>Hệ thống kết nối</h2>")[1]
    assert "Phần mềm QLVB tỉnh Quảng Nam" in systems
    assert "UBND huyện Duy Xuyên" in systems


def _backdate(hub, doc_id: str, days: int) -> None:
    """Make a package's deliveries look `days` old, in the hub's own database."""
    sql = (
        "UPDATE hub_delivery SET created_at = created_at - {interval}"
        " WHERE package_id = (SELECT id FROM hub_package WHERE doc_id = {mark})"
    )
    if hub.database is not None:
        import psycopg

        with psycopg.connect(hub.database.url) as conn:
            conn.execute(sql.format(interval="%s * interval '1 day'", mark="%s"), (days, doc_id))
        return
    import sqlite3

    with sqlite3.connect(hub.process.data_dir / "hub.sqlite3", timeout=30) as conn:
        conn.execute(
            "UPDATE hub_delivery SET created_at = datetime(created_at, ?)"
            " WHERE package_id = (SELECT id FROM hub_package WHERE doc_id = ?)",
            (f"-{days} days", doc_id),
        )


def _pair_count(page: str, sender: str, recipient: str) -> int:
    text = html.unescape(page)
    pairs = text.split("<h2>Lưu lượng theo cặp cơ quan</h2>")[1].split("<h2>")[0]
    found = re.search(
        rf"{re.escape(sender)} <span[^>]*>[^<]*</span></td>\s*"
        rf"<td>{re.escape(recipient)} <span[^>]*>[^<]*</span></td>\s*<td class=\"num\">(\d+)</td>",
        pairs,
    )
    return int(found.group(1)) if found else 0


def test_the_traffic_table_covers_the_period_chosen(hub, operator):
    a = hub.client("sys.a")
    old = a.send_edoc(unique_edoc([SO_TTTT_QN]), from_organ=H41)
    a.send_edoc(unique_edoc([SO_TTTT_QN]), from_organ=H41)
    a.close()
    _backdate(hub, old, 40)
    browser = Browser(hub.url)
    browser.login(operator, PASSWORD)

    _url, month = browser.get("/van-hanh/")
    _url, year = browser.get("/van-hanh/?ngay=365")
    assert "<b>30 ngày qua</b>" in month and "<b>365 ngày qua</b>" in year
    recent = _pair_count(month, H41, SO_TTTT_QN)
    assert recent >= 1
    # The 40-day-old package counts in the year, not in the month.
    assert _pair_count(year, H41, SO_TTTT_QN) == recent + 1
    # A period the page does not offer falls back to the default.
    _url, odd = browser.get("/van-hanh/?ngay=abc")
    assert "<b>30 ngày qua</b>" in odd and _pair_count(odd, H41, SO_TTTT_QN) == recent
