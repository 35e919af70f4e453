"""Messages and keys made for the edXML tests: realistic Vietnamese values, nothing on disk."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

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
    StatusMessage,
    TraceEntry,
)
from vanthu.edxml.constants import VN_TZ

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "edxml"

PDF_BYTES = b"%PDF-1.7\n% V\xc4\x83n b\xe1\xba\xa3n th\xe1\xbb\xad\n%%EOF\n"


def ubnd_nghe_an() -> Organization:
    return Organization(
        organ_id="000.00.00.H41",
        name="UBND Tỉnh Nghệ An",
        in_charge="UBND Tỉnh Nghệ An",
        address="Số 03, đường Trường Thi, Thành phố Vinh",
        email="vanthu@nghean.gov.vn",
        telephone="0238 3840418",
        fax="0238 3843049",
        website="nghean.gov.vn",
    )


def so_tttt_quang_nam() -> Organization:
    return Organization(organ_id="000.00.15.H47", name="Sở Thông tin và Truyền thông Quảng Nam")


def make_edoc(**overrides: object) -> Edoc:
    values: dict[str, object] = {
        "from_": ubnd_nghe_an(),
        "to": [so_tttt_quang_nam(), Organization(organ_id="001.00.10.H47", name="UBND huyện")],
        "code": Code(number="125", notation="UBND-VX"),
        "subject": "V/v triển khai kết nối, liên thông phần mềm quản lý văn bản",
        "promulgation_info": PromulgationInfo(place="Nghệ An", date=dt.date(2026, 3, 9)),
        "document_type": DocumentType(type=1, type_detail=0, type_name="Công văn"),
        "content": "Đề nghị các đơn vị phối hợp thực hiện.",
        "signer": Signer(competence="KT. CHỦ TỊCH", position="Phó Chủ tịch", full_name="Lê Văn Ạ"),
        "due_date": dt.date(2026, 3, 31),
        "priority": 1,
        "to_places": ["Như trên", "Lưu: VT, VX"],
        "other_info": OtherInfo(
            sphere_of_promulgation="Liên thông văn bản quốc gia",
            typer_notation="NTH",
            promulgation_amount=2,
            page_amount=3,
            direction=False,
            appendixes=["Phụ lục danh sách đơn vị"],
        ),
        "steering_type": 1,
        "document_id": "000.00.00.H41,2026/03/09,125/UBND-VX",
        "business": Business(
            business_doc_type=0,
            business_doc_reason="Văn bản điện tử mới",
            paper=0,
            staff_info=[
                StaffInfo(department="Văn thư", staff="Nguyễn Thị Hà", mobile="0912000001")
            ],
        ),
        "trace": [TraceEntry("000.00.00.H41", dt.datetime(2026, 3, 9, 8, 30, 5, tzinfo=VN_TZ))],
        "attachments": [
            Attachment(
                name="125-UBND-VX.pdf",
                content_type="application/pdf",
                description="Văn bản ký số",
                content_id="7c6f0e54-3b0a-4c1e-9a7b-7d0c2f7f3a11",
                data=PDF_BYTES,
            )
        ],
    }
    values.update(overrides)
    return Edoc(**values)  # type: ignore[arg-type]


def make_status(**overrides: object) -> StatusMessage:
    values: dict[str, object] = {
        "from_": so_tttt_quang_nam(),
        "response_for": ResponseFor(
            organ_id="000.00.00.H41",
            code="125/UBND-VX",
            promulgation_date=dt.date(2026, 3, 9),
            document_id="000.00.00.H41,2026/03/09,125/UBND-VX",
        ),
        "status_code": "03",
        "description": "Văn thư: đã tiếp nhận, vào sổ văn bản đến",
        "timestamp": dt.datetime(2026, 3, 9, 14, 2, 0, tzinfo=VN_TZ),
        "staff_info": StaffInfo(department="Văn phòng Sở", staff="Trần Văn Đức", email="duc@qn.vn"),
    }
    values.update(overrides)
    return StatusMessage(**values)  # type: ignore[arg-type]


def zip_single(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class Pki:
    ca_pem: bytes
    key_pem: bytes
    cert_pem: bytes


def make_pki(common_name: str = "Văn thư UBND tỉnh Nghệ An", days: int = 30) -> Pki:
    """A throwaway CA and signing certificate, generated in memory for one test session."""
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "VanThu Test Root CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return Pki(
        ca_pem=ca.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
