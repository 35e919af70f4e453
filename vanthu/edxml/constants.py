"""Codes and formats of QCVN 102:2016/BTTTT (edXML), as reconstructed in STANDARDS.md §1.

Persisted codes (status codes, business types) are schema: never renumber them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import IntEnum, StrEnum

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

# The BKAV e-doc schema predates QCVN 102 and the axis rejects it; naming it in the error
# saves the operator a search.
LEGACY_NAMESPACES = {
    "http://www.e-doc.vn/Schema/": "BKAV e-doc (trước QCVN 102)",
    "http://www.go.vn/eDoc": "go.vn eDoc (không theo QCVN 102)",
}

# The VNPT SDK parses and writes dates as yyyy/MM/dd and timestamps as yyyy/MM/dd HH:mm:ss,
# in Vietnam local time without an offset.
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
# Asia/Ho_Chi_Minh has been UTC+7 without DST since 1975; a fixed offset keeps this library
# free of tzdata.
VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

# QCVN 102 agency code (mã định danh, "code102"): V1V2V3.Z1Z2.Y1Y2.MX1X2, level 1 on the right.
ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Y]\d{2}$")

DEFAULT_MAX_SIZE = 100 * 1024 * 1024
# libxml2 refuses text nodes over 10 MB unless XML_PARSE_HUGE is set.
HUGE_TREE_THRESHOLD = 10 * 1024 * 1024


class StatusCode(StrEnum):
    RECEIVED = "01"
    REJECTED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    RECALL_AGREED = "15"
    RECALL_REFUSED = "16"


STATUS_LABELS: dict[str, str] = {
    StatusCode.RECEIVED: "Đã đến",
    StatusCode.REJECTED: "Từ chối tiếp nhận",
    StatusCode.ACCEPTED: "Đã tiếp nhận",
    StatusCode.ASSIGNED: "Phân công xử lý",
    StatusCode.PROCESSING: "Đang xử lý",
    StatusCode.COMPLETED: "Hoàn thành xử lý",
    StatusCode.RECALL_REQUESTED: "Yêu cầu lấy lại văn bản",
    StatusCode.RECALL_AGREED: "Đồng ý yêu cầu cập nhật, lấy lại",
    StatusCode.RECALL_REFUSED: "Từ chối yêu cầu cập nhật, lấy lại",
}


class BusinessDocType(IntEnum):
    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


BUSINESS_LABELS: dict[int, str] = {
    BusinessDocType.NEW: "Văn bản mới",
    BusinessDocType.REVOKE: "Thu hồi",
    BusinessDocType.UPDATE: "Cập nhật",
    BusinessDocType.REPLACE: "Thay thế",
}
