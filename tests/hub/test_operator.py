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
