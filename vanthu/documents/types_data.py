"""Document types of Decree 30/2020 Art. 7 with their Appendix III abbreviations.

(code, name, abbreviation, is_official_letter). Công văn and Thư công have no abbreviation;
a công văn's notation is built from the issuer and the drafting unit instead.
"""

DOCUMENT_TYPES = [
    ("NQ", "Nghị quyết", "NQ", False),
    ("QD", "Quyết định", "QĐ", False),
    ("CT", "Chỉ thị", "CT", False),
    ("QC", "Quy chế", "QC", False),
    ("QYD", "Quy định", "QyĐ", False),
    ("TC", "Thông cáo", "TC", False),
    ("TB", "Thông báo", "TB", False),
    ("HD", "Hướng dẫn", "HD", False),
    ("CTR", "Chương trình", "CTr", False),
    ("KH", "Kế hoạch", "KH", False),
    ("PA", "Phương án", "PA", False),
    ("DEAN", "Đề án", "ĐA", False),
    ("DUAN", "Dự án", "DA", False),
    ("BC", "Báo cáo", "BC", False),
    ("BB", "Biên bản", "BB", False),
    ("TTR", "Tờ trình", "TTr", False),
    ("HDONG", "Hợp đồng", "HĐ", False),
    ("CV", "Công văn", "", True),
    ("CD", "Công điện", "CĐ", False),
    ("GN", "Bản ghi nhớ", "GN", False),
    ("TTH", "Bản thỏa thuận", "TTh", False),
    ("GUQ", "Giấy ủy quyền", "GUQ", False),
    ("GM", "Giấy mời", "GM", False),
    ("GGT", "Giấy giới thiệu", "GGT", False),
    ("GNP", "Giấy nghỉ phép", "GNP", False),
    ("PG", "Phiếu gửi", "PG", False),
    ("PC", "Phiếu chuyển", "PC", False),
    ("PB", "Phiếu báo", "PB", False),
    ("THU", "Thư công", "", False),
]

# Copies are numbered in their own yearly series (Appendix I Part II.II.1.c).
COPY_TYPES = [
    ("BSY", "Bản sao y", "BSY", False),
    ("BTS", "Bản trích sao", "BTS", False),
    ("BSL", "Bản sao lục", "BSL", False),
]


def load_document_types(document_type_model) -> None:
    """Create or refresh the types; used by migration 0002 and by tests whose transactional
    cases flush the tables that migrations filled."""
    for order, (code, name, abbr, is_letter) in enumerate(DOCUMENT_TYPES + COPY_TYPES, start=1):
        document_type_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbr,
                "is_official_letter": is_letter,
                "ordering": order,
            },
        )
