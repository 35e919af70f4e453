"""The committed OpenAPI document is what the code produces (CI runs `export_openapi --check`)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from vanthu.api.management.commands.export_openapi import DEFAULT_PATH, render_openapi


def test_the_committed_openapi_document_is_current():
    committed = (settings.BASE_DIR / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render_openapi(), "run: python -m django export_openapi"


def test_check_passes_on_the_committed_file():
    call_command("export_openapi", "--check", output=str(DEFAULT_PATH))


def test_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="chưa cập nhật"):
        call_command("export_openapi", "--check", output=str(stale))
    call_command("export_openapi", output=str(stale))
    call_command("export_openapi", "--check", output=str(stale))


def test_the_document_uses_public_ids_and_declares_both_authentications():
    schema = json.loads(render_openapi())
    assert "/api/v1/documents/{public_id}/actions/issue" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"ApiTokenAuth", "SessionAuth"}
    document = schema["components"]["schemas"]["DocumentOut"]["properties"]
    assert "pk" not in document and document["id"]["format"] == "uuid"
