"""The import page: upload the axis list, read the report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanthu.directory.models import Agency

CSV = (
    "id,code,code102,pid,name,mail\n"
    "1,H47,000.00.00.H47,0,Ủy ban nhân dân tỉnh Quảng Nam,\n"
    "2,,001.00.10.H47,1,Ủy ban nhân dân huyện Duy Xuyên,\n"
    "3,,001.00.10.H4,1,Mã sai,\n"
)


def _upload(client, name: str, content: bytes):
    return client.post(
        reverse("directory:agency_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_it_shows_counts_and_the_rejected_rows(admin_client, world):
    response = _upload(admin_client, "truc.csv", CSV.encode())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Thêm mới 2 cơ quan, cập nhật 0 cơ quan." in text
    assert "Bỏ qua 1 dòng có lỗi" in text
    assert '<td data-label="Dòng">4</td>' in text and "001.00.10.H4" in text
    assert "phải đủ 13 ký tự (đang có 12)" in text
    assert Agency.objects.get(code="001.00.10.H47").parent.code == "000.00.00.H47"


def test_it_refuses_a_file_that_is_not_utf8(admin_client, world):
    response = _upload(admin_client, "truc.csv", CSV.encode("cp1258", errors="replace"))
    assert response.status_code == 400
    assert "Tệp không dùng bảng mã UTF-8" in response.content.decode()
    assert not Agency.objects.filter(code="000.00.00.H47").exists()


def test_it_asks_for_a_file(admin_client, world):
    response = admin_client.post(reverse("directory:agency_import"), {})
    assert response.status_code == 400
    assert "Vui lòng sửa các lỗi" in response.content.decode()
