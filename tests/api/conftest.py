"""An API client per persona, authenticated with a real bearer token, and documents set up
through the actions (the API under test is only the part each test is about)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import files
from vanthu.directory.actions import create_api_token
from vanthu.documents import actions
from vanthu.documents.validation import Metadata


class ApiClient:
    """Django's test client speaking JSON with an `Authorization: Bearer` header."""

    def __init__(self, secret: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params):
        return self.client.get("/api/v1" + path, params, headers=self.headers)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(
            "/api/v1" + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def post_form(self, path: str, data: dict):
        return self.client.post("/api/v1" + path, data, headers=self.headers)

    def act(self, doc, action: str, **body):
        public_id = doc if isinstance(doc, str) else doc.public_id
        return self.post(f"/documents/{public_id}/actions/{action}", body)


@pytest.fixture
def api(world):
    """api(user) → an ApiClient holding a fresh token of that user."""

    def _api(user):
        return ApiClient(create_api_token(user, "thử nghiệm"))

    return _api


@pytest.fixture
def anonymous():
    return ApiClient()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def incoming_form(**overrides) -> dict:
    data = {
        "doc_type": "CV",
        "code_number": "125",
        "code_notation": "STC-NS",
        "issued_on": date(2026, 1, 5).isoformat(),
        "issuer_name": "Sở Tài chính tỉnh Nghệ An",
        "subject": "Về việc hướng dẫn lập dự toán ngân sách năm 2026",
        "signer_name": "Đặng Văn Giám Đốc",
        "channel": "paper",
        "file": upload("cong-van-125.pdf", files.pdf(["Công văn số 125/STC-NS"])),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def outgoing_form(world, **overrides) -> dict:
    data = {
        "agency": world.ubnd.code,
        "doc_type": "CV",
        "subject": "Về việc đề nghị bổ sung kinh phí năm 2026",
        "department": "KT",
        "signer": str(world.leader_ubnd.public_id),
        "recipients": [world.stc.code],
        "recipients_text": "Như trên; Lưu: VT, KT.",
        "file": upload("du-thao.pdf", files.pdf(["Dự thảo công văn"])),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(world, **meta):
    """An incoming document registered by clerk_ubnd, through the action."""
    fields = {
        "doc_type_code": "CV",
        "subject": "Về việc báo cáo tình hình kinh tế - xã hội quý I",
        "number_text": "17",
        "notation": "STC-TH",
        "issued_on": date(2026, 1, 10),
        "issuer_name": "Sở Tài chính tỉnh Nghệ An",
    }
    fields.update(meta)
    return actions.register_incoming(
        world.clerk_ubnd,
        world.ubnd,
        Metadata(**fields),
        file_name="bao-cao.pdf",
        file_content=files.pdf(["Báo cáo quý I"]),
    )


def draft(world, author=None, **meta):
    """An outgoing draft of UBND tỉnh (Phòng Kinh tế) to Sở Tài chính, through the action."""
    fields = {"doc_type_code": "CV", "subject": "Về việc đề nghị bổ sung kinh phí năm 2026"}
    fields.update(meta)
    return actions.create_draft(
        author or world.specialist_ubnd,
        world.ubnd,
        Metadata(**fields),
        department=world.kt_ubnd,
        signer=world.leader_ubnd,
        recipients=[world.stc],
        file_name="du-thao.pdf",
        file_content=files.pdf(["Dự thảo"]),
    )


def arrival_at_stc(world):
    """An outgoing document of UBND tỉnh taken through every step with the actions, issued,
    and so arrived (status `arrived`) at Sở Tài chính. Returns the recipient's copy."""
    doc = draft(world)
    actions.submit_draft(world.specialist_ubnd, doc)
    actions.review_content(world.dept_leader_ubnd, doc, approve=True)
    actions.check_form(world.clerk_ubnd, doc, approve=True)
    actions.approve_signature(world.leader_ubnd, doc, approve=True)
    actions.issue_document(world.clerk_ubnd, doc)
    return doc.deliveries.get().incoming_document
