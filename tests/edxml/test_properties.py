"""Property tests: any message the model can hold survives build → parse → build."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vanthu.edxml import (
    Attachment,
    Business,
    Code,
    DocumentType,
    Edoc,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusCode,
    StatusMessage,
    TraceEntry,
    build,
    build_edoc,
    parse,
)
from vanthu.edxml.constants import VN_TZ

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệóòỏõọốồổỗộớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵĐƯƠ"
)

letters = st.characters(categories=("L", "M", "N", "P", "S", "Zs")) | st.sampled_from(VIETNAMESE)
words = st.text(letters, min_size=1, max_size=30).map(str.strip).filter(bool)
maybe_words = st.none() | words
organ_ids = st.from_regex(r"\d{3}\.\d{2}\.\d{2}\.[A-Y]\d{2}", fullmatch=True)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
timestamps = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([VN_TZ, dt.UTC]),
).map(lambda value: value.replace(microsecond=0))
small_ints = st.none() | st.integers(min_value=0, max_value=999)

organizations = st.builds(
    Organization,
    organ_id=st.none() | organ_ids,
    name=maybe_words,
    in_charge=maybe_words,
    address=maybe_words,
    email=maybe_words,
    telephone=maybe_words,
    fax=maybe_words,
    website=maybe_words,
)
staff = st.builds(
    StaffInfo,
    department=maybe_words,
    department_id=maybe_words,
    staff=maybe_words,
    staff_id=maybe_words,
    email=maybe_words,
    mobile=maybe_words,
)
responses = st.builds(
    ResponseFor,
    organ_id=organ_ids,
    code=maybe_words,
    promulgation_date=st.none() | dates,
    document_id=maybe_words,
)
attachments = st.builds(
    Attachment,
    name=st.tuples(words, st.sampled_from([".pdf", ".docx", ".doc", ".xlsx", ".zip", ""])).map(
        "".join
    ),
    content_type=st.sampled_from(["application/pdf", "application/msword", "image/png"]),
    description=maybe_words,
    content_id=st.uuids().map(str),
    data=st.binary(max_size=3000),
)
businesses = st.builds(
    Business,
    business_doc_type=st.sampled_from([0, 1, 2, 3]),
    business_doc_reason=maybe_words,
    document_id=maybe_words,
    paper=st.none() | st.sampled_from([0, 1]),
    staff_info=st.lists(staff, max_size=2),
)
edocs = st.builds(
    Edoc,
    from_=organizations,
    to=st.lists(organizations, min_size=1, max_size=3),
    code=st.builds(Code, number=words, notation=words),
    subject=words,
    promulgation_info=st.builds(PromulgationInfo, place=maybe_words, date=st.none() | dates),
    document_type=st.builds(DocumentType, type=small_ints, type_name=words, type_detail=small_ints),
    content=maybe_words,
    signer=st.builds(Signer, competence=maybe_words, position=maybe_words, full_name=words),
    due_date=st.none() | dates,
    priority=st.none() | st.integers(min_value=0, max_value=4),
    to_places=st.lists(words, max_size=3),
    other_info=st.builds(
        OtherInfo,
        sphere_of_promulgation=maybe_words,
        typer_notation=maybe_words,
        promulgation_amount=small_ints,
        page_amount=small_ints,
        direction=st.none() | st.booleans(),
        appendixes=st.lists(words, max_size=2),
    ),
    response_for=st.lists(responses, max_size=2),
    steering_type=small_ints,
    document_id=maybe_words,
    business=st.none() | businesses,
    trace=st.lists(st.builds(TraceEntry, organ_id=organ_ids, timestamp=timestamps), max_size=3),
    attachments=st.lists(attachments, max_size=3, unique_by=lambda a: a.content_id),
)
statuses = st.builds(
    StatusMessage,
    from_=organizations,
    response_for=responses,
    status_code=st.sampled_from([code.value for code in StatusCode]),
    description=words,
    timestamp=timestamps,
    staff_info=st.none() | staff,
    to=st.none() | organizations,
)


@SETTINGS
@given(edocs, st.booleans())
def test_edoc_survives_build_parse_build(edoc, zip_attachments):
    first = build_edoc(edoc, zip_attachments=zip_attachments)
    parsed = parse(first)
    assert parsed == edoc
    assert build_edoc(parsed, zip_attachments=zip_attachments) == first


@SETTINGS
@given(statuses)
def test_status_survives_build_parse_build(status):
    first = build(status)
    parsed = parse(first)
    assert parsed == status
    assert build(parsed) == first


@SETTINGS
@given(st.binary(max_size=5000), st.sampled_from(["quyết định.pdf", "báo cáo.docx", "số liệu.zip"]))
def test_any_file_comes_back_byte_for_byte_zipped_or_not(data, name):
    for zip_attachments in (False, True):
        edoc = Edoc(
            from_=Organization("000.00.00.H41"),
            to=[Organization("000.00.15.H47")],
            code=Code("1", "UBND"),
            subject="Thử",
            attachments=[Attachment(name=name, content_type="application/pdf", data=data)],
        )
        [attachment] = parse(build_edoc(edoc, zip_attachments=zip_attachments)).attachments
        assert attachment.read() == data
