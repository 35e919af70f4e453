"""The directory and the hub's: importing the hub's agencies (create or update by code,
never delete, invalidate what the hub dropped) and declaring ours."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.exchange.conftest import BO_KHDT, BO_NV, SECRET_B, SYSTEM_B
from vanthu.directory.models import Agency
from vanthu.documents.numbering import local_today
from vanthu.vxp import VxpClient

pytestmark = pytest.mark.django_db


def test_importing_the_hubs_agencies(world, connected):
    stale = Agency.objects.create(
        code=BO_KHDT, name="Bộ KH&ĐT (tên cũ)", abbreviation="KHDT", exchange_channel="hub"
    )
    gone = Agency.objects.create(
        code="000.00.00.G18", name="Bộ Y tế", abbreviation="BYT", exchange_channel="hub"
    )
    out = StringIO()

    call_command("exchange_sync_agencies", stdout=out)

    bo_nv = Agency.objects.get(code=BO_NV)
    assert (bo_nv.name, bo_nv.exchange_channel, bo_nv.abbreviation) == ("Bộ Nội vụ", "hub", "BNV")
    assert bo_nv.valid_to is None
    stale.refresh_from_db()
    assert stale.name == "Bộ Kế hoạch và Đầu tư"
    gone.refresh_from_db()
    assert gone.valid_to == local_today() - timedelta(days=1)  # kept, no longer valid
    world.ubnd.refresh_from_db()
    assert world.ubnd.name == "Ủy ban nhân dân tỉnh Nghệ An"  # ours: never overwritten
    assert world.ubnd.exchange_channel == "local"
    assert "hết hiệu lực 1 cơ quan" in out.getvalue()

    again = StringIO()
    call_command("exchange_sync_agencies", stdout=again)
    assert "Thêm mới 0, cập nhật 0, hết hiệu lực 0" in again.getvalue()


def test_registering_our_agencies_at_the_hub(world, connected):
    new = Agency.objects.create(
        code="000.09.00.H41", name="Sở Y tế tỉnh Nghệ An", abbreviation="SYT", parent=world.ubnd
    )
    Agency.objects.create(
        code="000.08.00.H41",
        name="Sở đã giải thể",
        abbreviation="SGT",
        valid_to=date(2025, 6, 30),
    )
    Agency.objects.create(code=BO_NV, name="Bộ Nội vụ", abbreviation="BNV", exchange_channel="hub")
    out = StringIO()

    call_command("exchange_register_agencies", stdout=out)

    assert "Đã đăng ký 4 cơ quan với trục." in out.getvalue()  # the three personas + Sở Y tế
    with VxpClient(connected.url, SYSTEM_B, SECRET_B) as b:
        listed = {a["code"]: a for a in b.agencies()}
    assert listed[new.code]["name"] == "Sở Y tế tỉnh Nghệ An"
    assert listed[new.code]["pid"] == world.ubnd.code
    assert "000.08.00.H41" not in listed


def test_the_commands_need_a_configured_hub(world, settings):
    settings.VANTHU_HUB_URL = ""
    commands = (
        ("exchange_sync_agencies", ()),
        ("exchange_register_agencies", ()),
        ("exchange_worker", ("--once",)),
    )
    for command, args in commands:
        with pytest.raises(CommandError, match="VANTHU_HUB_URL"):
            call_command(command, *args)


def test_the_worker_command_runs_one_round(world, connected):
    out = StringIO()
    call_command("exchange_worker", "--once", stdout=out)
    assert "Đã gửi 0, sẽ thử lại 0, gửi không thành công 0; đã nhận 0, từ chối 0." in out.getvalue()
