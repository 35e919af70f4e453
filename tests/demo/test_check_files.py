"""`vanthu check-files`: every stored file against its SHA-256, exit status 1 on any error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from vanthu.cli import main
from vanthu.demo.seed import seed_demo
from vanthu.documents.integrity import check_stored_files
from vanthu.documents.models import FileVersion


@pytest.fixture
def stored(db):
    seed_demo(12)
    return FileVersion.objects.count()


def test_it_reports_every_file_intact(stored, capsys):
    report = check_stored_files()
    assert report.ok
    assert report.versions == stored
    assert 0 < report.objects < stored  # shared content is read once
    call_command("check_files")
    assert f"Đã kiểm tra {stored} phiên bản tệp" in capsys.readouterr().out


def test_it_lists_a_corrupted_file_and_exits_with_status_1(stored, settings, monkeypatch, capsys):
    victim = FileVersion.objects.order_by("pk").first()
    path = Path(settings.MEDIA_ROOT) / victim.storage_name
    path.write_bytes(path.read_bytes()[:-10] + b"tampered!!")
    depending = FileVersion.objects.filter(storage_name=victim.storage_name).count()

    report = check_stored_files()
    assert not report.ok
    assert {b.storage_name for b in report.bad} == {victim.storage_name}
    assert len(report.bad) == depending
    assert {b.reason for b in report.bad} == {"checksum mismatch"}

    # Django closes every connection after a command run from the command line; the test
    # transaction must survive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        main(["check-files"])
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert victim.storage_name in out.out
    assert str(victim.public_id) in out.out
    assert f"{depending} lỗi" in out.err

    path.unlink()
    assert {b.reason for b in check_stored_files().bad} == {"missing"}
