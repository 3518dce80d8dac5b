"""The members service on a real broker with the embedded store over the wire."""
import pytest
from nameko.exceptions import RemoteError

from clearinghouse.errors import BadInput, Conflict, NotFound, Unauthenticated
from services.members.service import MembersService
from tests.events_tap import EventTap

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
PHL = "ocd-division/country:us/state:pa/place:philadelphia"
TEMPE = "ocd-division/country:us/state:az/place:tempe"


@pytest.fixture
def members(container_factory, config):
    container = container_factory(MembersService, config)
    container.start()
    return container


@pytest.fixture
def tap(members, amqp_uri):
    tap = EventTap(amqp_uri, "members.events")
    yield tap
    tap.close()


def council(jurisdiction=PGH, start="2020-01-06", **extra):
    return {"role": "Councilmember", "body": "City Council", "jurisdiction": jurisdiction,
            "start_date": start, **extra}


def test_created_member_can_be_read_back_with_offices(members, rpc):
    created = rpc.members.create_member(
        {"name": "Deb Gross", "status": "active", "issue_areas": ["paid-sick-leave"],
         "offices": [council(district="7")], "email": "deb@example.org"})
    got = rpc.members.get_member(created["id"], caller_role="staff")
    assert got["name"] == "Deb Gross"
    assert got["version"] == 1
    assert got["offices"][0]["jurisdiction"] == PGH
    assert got["offices"][0]["district"] == "7"
    assert got["email"] == "deb@example.org"


@pytest.mark.parametrize("role, sees_private", [("public", False), ("partner", False),
                                                ("member", True), ("staff", True)])
def test_contact_details_are_shown_only_to_roles_that_need_them(members, rpc, role, sees_private):
    created = rpc.members.create_member({"name": "A Person", "email": "a@example.org", "phone": "555-0100"})
    got = rpc.members.get_member(created["id"], caller_role=role)
    listed = rpc.members.list_members(caller_role=role)["edges"][0]["node"]
    batched = rpc.members.get_members([created["id"]], caller_role=role)[0]
    for view in (got, listed, batched):
        assert (view["email"], view["phone"]) == (("a@example.org", "555-0100") if sees_private else (None, None))


@pytest.mark.parametrize("data, fragment", [
    ({}, "name is required"),
    ({"name": ""}, "name must not be empty"),
    ({"name": "X", "status": "famous"}, "status 'famous' is not allowed"),
    ({"name": "X", "issue_areas": ["free-ponies"]}, "not a known issue area"),
    ({"name": "X", "email": "not-an-email"}, "not an email address"),
    ({"name": "X", "shoe_size": 9}, "unknown fields ['shoe_size']"),
    ({"name": "X", "offices": [council(jurisdiction="pittsburgh")]}, "not an Open Civic Data division id"),
    ({"name": "X", "offices": [council(jurisdiction="ocd-division/country:us/state:zz/place:x")]}, "unknown state"),
    ({"name": "X", "offices": [council(start="2020-13-01")]}, "is not a date"),
    ({"name": "X", "offices": [council(start="2020-01-01", end_date="2019-01-01")]}, "before start_date"),
])
def test_invalid_member_is_refused_with_a_clear_error_and_changes_nothing(members, rpc, database, data, fragment):
    with pytest.raises(BadInput) as err:
        rpc.members.create_member(data)
    assert fragment in str(err.value)
    assert database("members").members.count_documents({}) == 0


def test_unknown_ids_and_bad_ids_are_told_apart(members, rpc):
    with pytest.raises(NotFound):
        rpc.members.get_member("mem_0123456789abcdef")
    with pytest.raises(BadInput, match="not a valid id"):
        rpc.members.get_member("robert'); drop table")
    with pytest.raises(BadInput, match="caller_role"):
        rpc.members.get_member("mem_0123456789abcdef", caller_role="root")


def test_get_members_keeps_order_and_marks_missing(members, rpc):
    a = rpc.members.create_member({"name": "Ann"})["id"]
    b = rpc.members.create_member({"name": "Bo"})["id"]
    got = rpc.members.get_members([b, "mem_ffffffffffffffff", a])
    assert [m and m["name"] for m in got] == ["Bo", None, "Ann"]


def test_paging_walks_every_member_once_in_name_order(members, rpc):
    names = [f"Member {i:02d}" for i in range(23)]
    for name in reversed(names):
        rpc.members.create_member({"name": name})
    seen, after = [], None
    while True:
        page = rpc.members.list_members(first=5, after=after)
        assert page["total_count"] == 23
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == names


def test_list_filters_combine(members, rpc):
    rpc.members.create_member({"name": "Pat PGH", "status": "active", "issue_areas": ["paid-sick-leave"],
                               "offices": [council(PGH)]})
    rpc.members.create_member({"name": "Phil PHL", "status": "active", "issue_areas": ["minimum-wage"],
                               "offices": [council(PHL)]})
    rpc.members.create_member({"name": "Tess Tempe", "status": "prospect", "issue_areas": ["paid-sick-leave"],
                               "offices": [{"role": "Mayor", "body": "City of Tempe", "jurisdiction": TEMPE}]})

    def names(**f):
        return [e["node"]["name"] for e in rpc.members.list_members(filter=f)["edges"]]

    assert names(state="pa") == ["Pat PGH", "Phil PHL"]
    assert names(state="pa", issue_area="paid-sick-leave") == ["Pat PGH"]
    assert names(jurisdiction=TEMPE) == ["Tess Tempe"]
    assert names(role="mayor") == ["Tess Tempe"]
    assert names(body="city council", status="active") == ["Pat PGH", "Phil PHL"]
    assert names(name_prefix="ph") == ["Phil PHL"]
    assert names(name_prefix="(") == []
    with pytest.raises(BadInput, match="filter.state"):
        rpc.members.list_members(filter={"state": "Pennsylvania"})
    with pytest.raises(BadInput, match="not a cursor"):
        rpc.members.list_members(after="garbage")
    with pytest.raises(BadInput, match="first"):
        rpc.members.list_members(first=1000)


def test_closed_office_is_kept_as_history_and_never_reopened(members, rpc):
    m = rpc.members.create_member({"name": "Bill Peduto", "offices": [council(start="2002-01-07")]})
    office_id = m["offices"][0]["id"]
    m = rpc.members.close_office(m["id"], office_id, "2014-01-06")
    m = rpc.members.add_office(m["id"], {"role": "Mayor", "body": "City of Pittsburgh",
                                         "jurisdiction": PGH, "start_date": "2014-01-06"})
    assert [(o["role"], o["end_date"]) for o in m["offices"]] == [("Mayor", None), ("Councilmember", "2014-01-06")]
    assert m["version"] == 3
    with pytest.raises(Conflict, match="already ended"):
        rpc.members.close_office(m["id"], office_id, "2015-01-01")
    # a past office does not count for current-office filters
    assert [e["node"]["name"] for e in rpc.members.list_members(filter={"role": "councilmember"})["edges"]] == []


def test_events_carry_version_and_left_when_status_lapses(members, rpc, tap):
    m = rpc.members.create_member({"name": "Ann", "status": "active"})
    rpc.members.update_member(m["id"], {"bio": "Council since 2019"})
    rpc.members.update_member(m["id"], {"status": "alumni"})
    events = tap.wait_for(3)
    assert [(e["type"], e["data"]["version"]) for e in events] == [
        ("member.joined", 1), ("member.updated", 2), ("member.left", 3)]
    assert all(e["subject"] == f"member/{m['id']}" and e["specversion"] == "1.0" for e in events)
    assert "email" not in events[0]["data"]


def test_organizations_and_keys(members, rpc):
    org = rpc.members.create_organization({"name": "SEIU Local 32BJ", "kind": "union",
                                           "issue_areas": ["fair-scheduling"]})
    key = rpc.members.create_api_key("partner", org["id"])
    assert key["key"].startswith("chk_")
    assert rpc.members.authenticate(key["key"])["owner_id"] == org["id"]
    assert rpc.members.list_organizations()["total_count"] == 1
    with pytest.raises(BadInput, match="must be owned by an existing organization"):
        rpc.members.create_api_key("partner")
    with pytest.raises(Unauthenticated):
        rpc.members.authenticate("chk_nope")
    rpc.members.revoke_api_key(key["id"])
    with pytest.raises(Unauthenticated, match="revoked"):
        rpc.members.authenticate(key["key"])


def test_keys_are_stored_hashed(members, rpc, database):
    key = rpc.members.create_api_key("staff")
    stored = database("members").api_keys.find_one({"_id": key["id"]})
    assert key["key"] not in str(stored)
