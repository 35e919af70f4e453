"""One-page sample PDFs laid out like a Decree 30 document (Appendix I cells), one per type.

Rendering takes WeasyPrint ~0.1 s a page, so the seed renders one template per document type
and reuses it: files are content-addressed, so every document of a type shares one stored
object, and the seed stays well under a minute.
"""

from __future__ import annotations

from html import escape

from vanthu.documents.models import DocumentType

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: 'Noto Serif', serif; font-size: 13pt; line-height: 1.35; }
table.head { width: 100%; border-collapse: collapse; }
table.head td { vertical-align: top; text-align: center; width: 50%; }
.upper { text-transform: uppercase; }
.bold { font-weight: bold; }
.date { font-style: italic; text-align: left; margin: 6pt 0 0 6mm; }
h1 { font-size: 14pt; text-align: center; margin: 18pt 0 2pt; }
.subject { text-align: center; font-weight: bold; margin-bottom: 14pt; }
.content p { text-indent: 1cm; text-align: justify; margin: 0 0 6pt; }
table.foot { width: 100%; margin-top: 18pt; }
table.foot td { vertical-align: top; width: 50%; font-size: 11pt; }
.sign { text-align: center; font-size: 13pt; font-weight: bold; }
.note { margin-top: 30pt; font-size: 9pt; color: #555; text-align: center; }
"""

_BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025; căn cứ Nghị định số 30/2020/NĐ-CP"
    " ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Xét đề nghị của cơ quan chuyên môn, cơ quan ban hành thông báo nội dung như sau: các cơ"
    " quan, đơn vị, địa phương căn cứ chức năng, nhiệm vụ được giao, chủ động triển khai"
    " thực hiện; định kỳ báo cáo kết quả về cơ quan thường trực để tổng hợp.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để"
    " được hướng dẫn, giải quyết./.",
)


def _html(doc_type: DocumentType, place: str = "Nghệ An") -> str:
    is_letter = doc_type.is_official_letter
    title = "" if is_letter else f"<h1 class='upper'>{escape(doc_type.name)}</h1>"
    subject = "V/v trích yếu nội dung văn bản" if is_letter else "Trích yếu nội dung văn bản"
    body = "".join(f"<p>{escape(p)}</p>" for p in _BODY)
    return f"""<html><head><meta charset="utf-8"><style>{_CSS}</style></head><body>
<table class="head"><tr>
<td><div class="upper">Tên cơ quan chủ quản</div><div class="upper bold">Tên cơ quan ban hành</div>
<div>Số:</div></td>
<td><div class="upper bold">Cộng hòa xã hội chủ nghĩa Việt Nam</div>
<div class="bold">Độc lập - Tự do - Hạnh phúc</div>
<div class="date">{escape(place)},</div></td>
</tr></table>
{title}<div class="subject">{subject}</div>
<div class="content">{body}</div>
<table class="foot"><tr>
<td><b><i>Nơi nhận:</i></b><br>- Như trên;<br>- Lưu: VT.</td>
<td class="sign">QUYỀN HẠN, CHỨC VỤ<br>CỦA NGƯỜI KÝ<br><br><br><br>Họ và tên</td>
</tr></table>
<div class="note">Bản mẫu dùng cho dữ liệu trình diễn VanThu — {escape(doc_type.name)}</div>
</body></html>"""


class TemplatePdfs:
    """Renders each type's PDF on first use and keeps the bytes for the rest of the seed."""

    def __init__(self, place: str = "Nghệ An") -> None:
        # The place name before the date (Appendix I cell 4): the signing layout finds the
        # date's position from it.
        self.place = place
        self._cache: dict[str, bytes] = {}

    def for_type(self, doc_type: DocumentType) -> bytes:
        if doc_type.code not in self._cache:
            from weasyprint import HTML

            self._cache[doc_type.code] = HTML(string=_html(doc_type, self.place)).write_pdf()
        return self._cache[doc_type.code]
