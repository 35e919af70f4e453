"""GET /agencies, /agencies/{code} and /me."""

from __future__ import annotations

from datetime import date, timedelta

from vanthu.directory.models import Agency, Membership, Role


def test_agencies_lists_only_agencies_in_force(world, api):
    Agency.objects.create(
        code="002.00.10.H41",
        name="Ủy ban nhân dân xã Cũ",
        abbreviation="UBND",
        valid_to=date.today() - timedelta(days=30),
        successor=world.xa,
    )
    body = api(world.outsider).get("/agencies").json()
    assert body["count"] == 3
    assert [a["code"] for a in body["items"]] == [world.stc.code, world.ubnd.code, world.xa.code]
    stc = body["items"][0]
    assert stc["parent"] == {"code": world.ubnd.code, "name": world.ubnd.name}
    assert stc["kind"] == "province_department" and stc["kind_label"] == "Sở, ban, ngành"


def test_agencies_search_and_page(world, api):
    client = api(world.clerk_xa)
    assert [a["code"] for a in client.get("/agencies", q="Tài chính").json()["items"]] == [
        world.stc.code
    ]
    assert client.get("/agencies", q="tai chinh").json()["items"][0]["code"] == world.stc.code
    assert client.get("/agencies", q="000.05").json()["count"] == 1
    assert client.get("/agencies", q="STC").json()["count"] == 1
    page = client.get("/agencies", page_size=2, page=2).json()
    assert (page["count"], page["pages"], len(page["items"])) == (3, 2, 1)
    assert client.get("/agencies", page_size=0).status_code == 422


def test_agencies_need_a_token(world, anonymous):
    assert anonymous.get("/agencies").status_code == 401


def test_agency_detail_lists_departments_and_leaders(world, api):
    body = api(world.specialist_stc).get(f"/agencies/{world.ubnd.code}").json()
    assert body["name"] == "Ủy ban nhân dân tỉnh Nghệ An"
    assert body["departments"] == [
        {"code": "KT", "name": "Phòng Kinh tế"},
        {"code": "VP", "name": "Văn phòng UBND tỉnh"},
    ]
    assert body["leaders"] == [
        {
            "id": str(world.leader_ubnd.public_id),
            "full_name": "Trần Văn Chủ Tịch",
            "position": "Chủ tịch",
        },
        {
            "id": str(world.deputy_ubnd.public_id),
            "full_name": "Lê Thị Phó",
            "position": "Phó Chủ tịch",
        },
    ]


def test_agency_detail_of_an_unknown_code_is_404(world, api, anonymous):
    response = api(world.clerk_ubnd).get("/agencies/999.99.99.H99")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert anonymous.get(f"/agencies/{world.ubnd.code}").status_code == 401


def test_me_shows_the_current_roles(world, api):
    Membership.objects.create(
        user=world.dept_leader_ubnd,
        agency=world.stc,
        role=Role.SPECIALIST,
        valid_to=date.today() - timedelta(days=1),
    )
    body = api(world.dept_leader_ubnd).get("/me").json()
    assert body["id"] == str(world.dept_leader_ubnd.public_id)
    assert body["full_name"] == "Phạm Văn Trưởng Phòng"
    assert body["memberships"] == [
        {
            "agency": {"code": world.ubnd.code, "name": world.ubnd.name},
            "department": {"code": "KT", "name": "Phòng Kinh tế"},
            "role": "department_leader",
            "role_label": "Lãnh đạo phòng",
            "position": "Trưởng phòng",
            "valid_from": "2000-01-01",
            "valid_to": None,
        }
    ]


def test_me_of_an_outsider_has_no_roles_and_needs_a_token(world, api, anonymous):
    assert api(world.outsider).get("/me").json()["memberships"] == []
    assert anonymous.get("/me").status_code == 401
