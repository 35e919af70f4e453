"""Plain data of the demo province: agencies, name parts, subjects, outside issuers, holidays.

Nghệ An after the reform of 2025: the districts were abolished on 01/07/2025 (two-tier local
government), provincial departments were merged on 01/03/2025 (e.g. Nông nghiệp + Tài nguyên
→ Nông nghiệp và Môi trường) and communes/wards were merged into larger ones. Codes follow the
QCVN 102 form NNN.NN.NN.H41 (H41 = Nghệ An); the sub-levels are illustrative, as codes are
data and never logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vanthu.directory.models import Agency


@dataclass(frozen=True)
class AgencySpec:
    slug: str  # ASCII, used in usernames (vanthu.<slug>)
    code: str
    name: str
    abbreviation: str
    kind: str
    departments: tuple[tuple[str, str], ...]
    domain: str = "local"  # which subjects it writes about (SUBJECTS)
    valid_from: date = date(2000, 1, 1)
    valid_to: date | None = None
    successor: str | None = None  # slug
    email: str = ""


REFORM_DAY = date(2025, 7, 1)  # two-tier local government
MERGER_DAY = date(2025, 3, 1)  # provincial departments merged

PROVINCE = AgencySpec(
    slug="ubnd",
    code="000.00.00.H41",
    name="Ủy ban nhân dân tỉnh Nghệ An",
    abbreviation="UBND",
    kind=Agency.Kind.PROVINCE_COMMITTEE,
    departments=(
        ("VP", "Văn phòng"),
        ("KT", "Phòng Kinh tế"),
        ("VX", "Phòng Văn xã"),
        ("NC", "Phòng Nội chính"),
    ),
    domain="province",
    email="ubnd@nghean.gov.vn",
)


def _department(slug, code, name, abbr, unit, domain, merged=False) -> AgencySpec:
    return AgencySpec(
        slug=slug,
        code=code,
        name=f"{name} tỉnh Nghệ An",
        abbreviation=abbr,
        kind=Agency.Kind.PROVINCE_DEPARTMENT,
        departments=(("VP", "Văn phòng Sở"), unit),
        domain=domain,
        valid_from=MERGER_DAY if merged else date(2000, 1, 1),
        email=f"{slug}@nghean.gov.vn",
    )


DEPARTMENTS = (
    _department("snv", "000.01.00.H41", "Sở Nội vụ", "SNV", ("TCBC", "Phòng Tổ chức, biên chế"), "snv", True),
    _department("stp", "000.02.00.H41", "Sở Tư pháp", "STP", ("XDPL", "Phòng Xây dựng và kiểm tra văn bản"), "stp"),
    _department("stc", "000.05.00.H41", "Sở Tài chính", "STC", ("NS", "Phòng Quản lý ngân sách"), "stc", True),
    _department("sct", "000.06.00.H41", "Sở Công Thương", "SCT", ("QLTM", "Phòng Quản lý thương mại"), "sct"),
    _department("snnmt", "000.07.00.H41", "Sở Nông nghiệp và Môi trường", "SNNMT", ("QLDD", "Phòng Quản lý đất đai"), "snnmt", True),
    _department("sxd", "000.08.00.H41", "Sở Xây dựng", "SXD", ("QLXD", "Phòng Quản lý xây dựng"), "sxd", True),
    _department("skhcn", "000.10.00.H41", "Sở Khoa học và Công nghệ", "SKHCN", ("CDS", "Phòng Chuyển đổi số"), "skhcn", True),
    _department("sgddt", "000.11.00.H41", "Sở Giáo dục và Đào tạo", "SGDĐT", ("GDTrH", "Phòng Giáo dục trung học"), "sgddt"),
    _department("syt", "000.12.00.H41", "Sở Y tế", "SYT", ("NVY", "Phòng Nghiệp vụ Y"), "syt"),
    _department("svhttdl", "000.14.00.H41", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", ("QLDL", "Phòng Quản lý du lịch"), "svhttdl"),
)  # fmt: skip


def _commune(slug, number, name, ward=False) -> AgencySpec:
    kind = "phường" if ward else "xã"
    economy = "Phòng Kinh tế, Hạ tầng và Đô thị" if ward else "Phòng Kinh tế"
    return AgencySpec(
        slug=slug,
        code=f"{number:03d}.00.10.H41",
        name=f"Ủy ban nhân dân {kind} {name}",
        abbreviation="UBND",
        kind=Agency.Kind.COMMUNE_COMMITTEE,
        departments=(("VP", "Văn phòng HĐND và UBND"), ("KT", economy)),
        valid_from=REFORM_DAY,
        email=f"ubnd.{slug}@nghean.gov.vn",
    )


COMMUNES = (
    _commune("hungnguyen", 1, "Hưng Nguyên"),
    _commune("yenthanh", 2, "Yên Thành"),
    _commune("dienchau", 3, "Diễn Châu"),
    _commune("doluong", 4, "Đô Lương"),
    _commune("vinhphu", 5, "Vinh Phú", ward=True),
    _commune("thanhvinh", 6, "Thành Vinh", ward=True),
    _commune("truongvinh", 7, "Trường Vinh", ward=True),
    _commune("cualo", 8, "Cửa Lò", ward=True),
)

# Abolished on 30/06/2025 by the two-tier reform; kept to show history and successors.
FORMER = (
    AgencySpec(
        slug="huyen-hungnguyen",
        code="015.00.20.H41",
        name="Ủy ban nhân dân huyện Hưng Nguyên",
        abbreviation="UBND",
        kind=Agency.Kind.OTHER,
        departments=(("VP", "Văn phòng HĐND và UBND huyện"),),
        valid_to=date(2025, 6, 30),
        successor="hungnguyen",
    ),
    AgencySpec(
        slug="thixa-cualo",
        code="016.00.20.H41",
        name="Ủy ban nhân dân thị xã Cửa Lò",
        abbreviation="UBND",
        kind=Agency.Kind.OTHER,
        departments=(("VP", "Văn phòng HĐND và UBND thị xã"),),
        valid_to=date(2025, 6, 30),
        successor="cualo",
    ),
)

ACTIVE = (PROVINCE, *DEPARTMENTS, *COMMUNES)
ALL_AGENCIES = (*ACTIVE, *FORMER)

# Where a provincial document about a field goes inside UBND tỉnh (forwarding).
PROVINCE_UNIT_FOR_DOMAIN = {
    "stc": "KT", "sct": "KT", "snnmt": "KT", "sxd": "KT", "skhcn": "KT",
    "sgddt": "VX", "syt": "VX", "svhttdl": "VX",
    "snv": "NC", "stp": "NC", "local": "VP", "province": "VP",
}  # fmt: skip

# ---------------------------------------------------------------- people's names
# Common family names (Nghệ An has many Nguyễn, Trần, Lê, Hồ, Phan, Thái), male and female
# middle and given names; combined deterministically in accounts.py.
FAMILY_NAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Hồ", "Phan", "Thái",
    "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Phạm", "Cao", "Đinh", "Chu",
)  # fmt: skip
MALE_MIDDLE = ("Văn", "Hữu", "Đình", "Đức", "Quang", "Minh", "Xuân", "Công", "Trọng", "Bá")
FEMALE_MIDDLE = ("Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Kim", "Hải")
MALE_GIVEN = (
    "Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Nam", "Sơn", "Phong", "Trung",
    "Quân", "Cường", "Hiếu", "Lâm", "Khánh", "Thành", "Vinh", "Bình", "Đạt", "Tùng",
)  # fmt: skip
FEMALE_GIVEN = (
    "Lan", "Hương", "Hoa", "Mai", "Hà", "Thảo", "Trang", "Linh", "Nga", "Yến",
    "Thủy", "Oanh", "Hằng", "Nhung", "Loan", "Dung", "Vân", "Huyền", "Ngân", "Tâm",
)  # fmt: skip

# ---------------------------------------------------------------- subjects
# Per field: "tasks" read well after "triển khai", "thực hiện", "kết quả", "hội nghị sơ kết";
# "approvals" after "phê duyệt". The province writes about every field; communes about
# "local" and a few provincial fields.
SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "snv": {
        "tasks": (
            "công tác cải cách hành chính năm 2026",
            "đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2026",
            "chính sách đối với cán bộ, công chức dôi dư sau sắp xếp đơn vị hành chính",
            "công tác thi đua, khen thưởng năm 2026",
            "kế hoạch tuyển dụng công chức cấp xã năm 2026",
            "bồi dưỡng kiến thức quản lý nhà nước cho công chức cấp xã",
        ),
        "approvals": (
            "kế hoạch biên chế công chức năm 2027",
            "danh sách xét tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
            "đề án vị trí việc làm của các cơ quan chuyên môn thuộc UBND tỉnh",
        ),
    },
    "stp": {
        "tasks": (
            "công tác phổ biến, giáo dục pháp luật năm 2026",
            "kiểm tra, rà soát văn bản quy phạm pháp luật sau sắp xếp chính quyền hai cấp",
            "công tác hộ tịch, chứng thực tại cấp xã",
            "công tác hòa giải ở cơ sở năm 2026",
            "Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2026",
        ),
        "approvals": (
            "kế hoạch kiểm tra công tác theo dõi thi hành pháp luật năm 2026",
            "danh mục văn bản quy phạm pháp luật hết hiệu lực",
        ),
    },
    "stc": {
        "tasks": (
            "công tác lập dự toán ngân sách nhà nước năm 2027",
            "quyết toán ngân sách địa phương năm 2025",
            "giải ngân vốn đầu tư công năm 2026",
            "quản lý, sử dụng tài sản công tại các cơ quan, đơn vị sau sắp xếp",
            "công tác điều hành giá các mặt hàng thiết yếu dịp Tết Nguyên đán",
            "thực hành tiết kiệm, chống lãng phí năm 2026",
        ),
        "approvals": (
            "dự toán ngân sách nhà nước năm 2026 của các xã, phường",
            "phương án phân bổ kinh phí sự nghiệp giáo dục năm 2026",
            "quyết toán kinh phí thực hiện chính sách an sinh xã hội năm 2025",
            "dự toán ngân sách chi thường xuyên bổ sung năm 2026",
        ),
    },
    "sct": {
        "tasks": (
            "chương trình xúc tiến thương mại năm 2026",
            "công tác quản lý thị trường, chống buôn lậu, gian lận thương mại dịp cuối năm",
            "bảo đảm cung ứng điện mùa nắng nóng năm 2026",
            "kiểm tra kinh doanh xăng dầu trên địa bàn tỉnh",
            "chương trình khuyến công địa phương năm 2026",
        ),
        "approvals": (
            "kế hoạch tổ chức Hội chợ Thương mại Bắc Trung Bộ năm 2026",
            "danh mục đề án khuyến công địa phương năm 2026",
        ),
    },
    "snnmt": {
        "tasks": (
            "công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026",
            "cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
            "chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2026",
            "phòng, chống dịch bệnh gia súc, gia cầm vụ Đông Xuân",
            "chương trình Mỗi xã một sản phẩm (OCOP) năm 2026",
            "công tác bảo vệ môi trường tại các khu, cụm công nghiệp",
        ),
        "approvals": (
            "bảng giá đất điều chỉnh năm 2026",
            "kế hoạch sử dụng đất năm 2026 của các xã, phường",
            "phương án ứng phó bão mạnh, siêu bão trên địa bàn tỉnh",
        ),
    },
    "sxd": {
        "tasks": (
            "phát triển nhà ở xã hội năm 2026",
            "công tác bảo đảm trật tự an toàn giao thông dịp cuối năm",
            "cấp giấy phép xây dựng sau sắp xếp chính quyền hai cấp",
            "công tác quản lý chất lượng công trình xây dựng",
            "bảo trì hệ thống đường tỉnh năm 2026",
        ),
        "approvals": (
            "quy hoạch chi tiết xây dựng khu đô thị mới Vinh Tân",
            "kế hoạch phát triển nhà ở tỉnh Nghệ An năm 2026",
        ),
    },
    "skhcn": {
        "tasks": (
            "kế hoạch chuyển đổi số năm 2026",
            "Đề án 06 về phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử",
            "gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia",
            "bảo đảm an toàn thông tin mạng trong các cơ quan nhà nước",
            "sử dụng chữ ký số chuyên dùng Chính phủ",
            "nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2027",
        ),
        "approvals": (
            "danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2027",
            "kiến trúc Chính quyền số tỉnh Nghệ An phiên bản 3.0",
        ),
    },
    "sgddt": {
        "tasks": (
            "kỳ thi tốt nghiệp trung học phổ thông năm 2026",
            "công tác tuyển sinh vào lớp 10 năm học 2026-2027",
            "nhiệm vụ năm học 2026-2027",
            "bảo đảm an toàn trường học trong mùa mưa bão",
            "chương trình giáo dục phổ thông 2018 ở cấp trung học",
        ),
        "approvals": (
            "kế hoạch thời gian năm học 2026-2027",
            "danh sách trường đạt chuẩn quốc gia năm 2026",
        ),
    },
    "syt": {
        "tasks": (
            "công tác phòng, chống sốt xuất huyết năm 2026",
            "chương trình tiêm chủng mở rộng năm 2026",
            "bảo đảm an toàn thực phẩm dịp Tết Nguyên đán",
            "lộ trình bảo hiểm y tế toàn dân",
            "khám sức khỏe định kỳ cho người cao tuổi",
        ),
        "approvals": (
            "kế hoạch phòng, chống dịch bệnh truyền nhiễm năm 2026",
            "danh mục kỹ thuật chuyên môn của Bệnh viện Hữu nghị đa khoa Nghệ An",
        ),
    },
    "svhttdl": {
        "tasks": (
            "Lễ hội Làng Sen năm 2026",
            "công tác quản lý lễ hội đầu xuân",
            "chương trình kích cầu du lịch Nghệ An năm 2026",
            "Đại hội Thể dục thể thao tỉnh Nghệ An lần thứ X",
            "bảo tồn và phát huy giá trị Dân ca Ví, Giặm Nghệ Tĩnh",
        ),
        "approvals": (
            "kế hoạch tổ chức Lễ kỷ niệm 136 năm Ngày sinh Chủ tịch Hồ Chí Minh",
            "đề án phát triển du lịch cộng đồng miền Tây Nghệ An",
        ),
    },
    "local": {
        "tasks": (
            "thu thuế sử dụng đất phi nông nghiệp năm 2026",
            "công tác bảo đảm an ninh, trật tự trên địa bàn",
            "vận hành chính quyền địa phương hai cấp",
            "rà soát hộ nghèo, hộ cận nghèo năm 2026",
            "tổ chức tiếp công dân định kỳ",
            "xây dựng nông thôn mới kiểu mẫu",
        ),
        "approvals": (
            "dự toán thu, chi ngân sách xã năm 2026",
            "kế hoạch đầu tư công trung hạn giai đoạn 2026-2030",
            "phương án sử dụng trụ sở dôi dư sau sắp xếp",
        ),
    },
}

# Document types each kind of issuer writes, with weights.
TYPE_WEIGHTS = {
    "province": {"CV": 30, "QD": 25, "KH": 10, "TB": 10, "GM": 8, "BC": 5, "CT": 3, "CD": 2, "HD": 2},
    "department": {"CV": 40, "QD": 10, "KH": 8, "BC": 12, "TTR": 12, "TB": 5, "GM": 8, "HD": 5},
    "commune": {"CV": 40, "BC": 20, "TTR": 15, "QD": 10, "KH": 8, "TB": 4, "GM": 3},
}  # fmt: skip

# Subject templates per type; {task} / {approval} come from SUBJECTS.
SUBJECT_TEMPLATES = {
    "CV": (
        "Về việc triển khai {task}",
        "Về việc đôn đốc thực hiện {task}",
        "Về việc góp ý dự thảo văn bản hướng dẫn {task}",
        "Về việc báo cáo tình hình {task}",
        "Về việc đề nghị bổ sung kinh phí thực hiện {task}",
    ),
    "QD": (
        "Phê duyệt {approval}",
        "Về việc phê duyệt {approval}",
        "Về việc thành lập Tổ công tác triển khai {task}",
        "Về việc giao chỉ tiêu thực hiện {task}",
    ),
    "KH": ("Triển khai {task}", "Thực hiện {task}", "Kiểm tra {task}"),
    "BC": (
        "Kết quả thực hiện {task}",
        "Tình hình thực hiện {task}, quý {quarter}",
        "Sơ kết 6 tháng {task}",
    ),
    "TTR": ("Đề nghị phê duyệt {approval}", "Đề nghị bổ sung kinh phí thực hiện {task}"),
    "TB": (
        "Kết luận của lãnh đạo tại cuộc họp về {task}",
        "Kết quả kiểm tra {task}",
        "Lịch tiếp công dân tháng {month} năm {year}",
    ),
    "GM": ("Dự hội nghị sơ kết {task}", "Họp bàn triển khai {task}", "Dự tập huấn về {task}"),
    "HD": ("Hướng dẫn thực hiện {task}", "Hướng dẫn một số nội dung về {task}"),
    "CT": ("Về việc tăng cường {task}", "Về việc chấn chỉnh kỷ luật, kỷ cương hành chính"),
    "CD": (
        "Về việc tập trung ứng phó với bão số {storm} và mưa lũ",
        "Về việc chủ động ứng phó với đợt rét đậm, rét hại",
    ),
}

SECRET_SUBJECTS = (
    "Về việc nhận xét, đánh giá cán bộ thuộc diện quy hoạch nhiệm kỳ 2026-2031",
    "Phương án bảo vệ an ninh, trật tự các mục tiêu trọng điểm dịp Tết Nguyên đán",
    "Về việc xác minh nguồn gốc tài sản theo yêu cầu của cơ quan điều tra",
    "Kế hoạch bảo vệ bí mật nhà nước năm 2026",
    "Về việc rà soát hồ sơ nhân sự đề nghị bổ nhiệm",
)

NORMATIVE_SUBJECTS = (
    "Ban hành Quy định phân cấp quản lý tài sản công trên địa bàn tỉnh Nghệ An",
    "Ban hành Quy định về bảng giá đất áp dụng từ ngày 01 tháng 01 năm 2026",
    "Ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Nghệ An nhiệm kỳ 2021-2026",
    "Ban hành Quy định về quản lý, vận hành Hệ thống quản lý văn bản và điều hành",
)

REVIEW_REMARKS = (
    "Đề nghị bổ sung số liệu năm trước để so sánh.",
    "Căn cứ pháp lý chưa cập nhật văn bản mới sau sắp xếp; đề nghị rà soát lại.",
    "Nơi nhận còn thiếu các xã, phường liên quan.",
    "Sai thể thức: trích yếu chưa đúng quy định tại Phụ lục I Nghị định 30/2020/NĐ-CP.",
)

FORWARD_NOTES = (
    "Giao {unit} chủ trì, tham mưu xử lý; báo cáo kết quả trước ngày {due}.",
    "Chuyển {unit} nghiên cứu, đề xuất.",
    "Giao {unit} theo dõi, đôn đốc thực hiện.",
    "{unit} nghiên cứu, tham mưu văn bản trả lời.",
)

# Documents arriving on paper from outside the deployment:
# (issuer name, notation for a công văn, {type code: notation}, signer position, field)
OUTSIDE_ISSUERS = (
    ("Văn phòng Chính phủ", "VPCP-KGVX", {"TB": "TB-VPCP"}, "Phó Chủ nhiệm", "skhcn"),
    ("Thủ tướng Chính phủ", "TTg-KTTH", {"CT": "CT-TTg", "QD": "QĐ-TTg", "CD": "CĐ-TTg"}, "Thủ tướng", "province"),
    ("Bộ Tài chính", "BTC-NSNN", {"QD": "QĐ-BTC"}, "Thứ trưởng", "stc"),
    ("Bộ Nội vụ", "BNV-TCBC", {"HD": "HD-BNV"}, "Thứ trưởng", "snv"),
    ("Bộ Y tế", "BYT-DP", {"QD": "QĐ-BYT"}, "Thứ trưởng", "syt"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT-QLCL", {"HD": "HD-BGDĐT"}, "Thứ trưởng", "sgddt"),
    ("Bộ Nông nghiệp và Môi trường", "BNNMT-ĐĐ", {"CD": "CĐ-BNNMT"}, "Bộ trưởng", "snnmt"),
    ("Bộ Khoa học và Công nghệ", "BKHCN-CĐSQG", {"KH": "KH-BKHCN"}, "Thứ trưởng", "skhcn"),
    ("Hội đồng nhân dân tỉnh Nghệ An", "HĐND-VP", {"NQ": "NQ-HĐND"}, "Chủ tịch", "stc"),
    ("Công an tỉnh Nghệ An", "CAT-PV01", {"KH": "KH-CAT"}, "Giám đốc", "local"),
    ("Bảo hiểm xã hội tỉnh Nghệ An", "BHXH-QLT", {"TB": "TB-BHXH"}, "Giám đốc", "syt"),
)  # fmt: skip

# Public holidays and compensatory days off around the demo year (calendar data; the
# processing app will own a full working-day calendar).
HOLIDAYS = frozenset(
    [date(2025, 9, 1), date(2025, 9, 2), date(2026, 1, 1)]
    + [date(2026, 2, d) for d in range(14, 23)]  # Tết Bính Ngọ
    + [date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1)]
    + [date(2026, 9, 1), date(2026, 9, 2)]
)
