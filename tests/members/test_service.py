"""The members service on a real broker with the embedded store over the wire."""
import re

import pytest

from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from tests.support import PGH, PHL, STAFF, TEMPE


@pytest.fixture
def tap(members, event_tap):
    return event_tap("members.events")


def council(jurisdiction=PGH, start="2020-01-06", **extra):
    return {"role": "Councilmember", "body": "City Council", "jurisdiction": jurisdiction,
            "start_date": start, **extra}


def test_created_member_can_be_read_back_with_offices(members, rpc):
    created = rpc.members.create_member(
        {"name": "Deb Gross", "status": "active", "issue_areas": ["paid-sick-leave"],
         "offices": [council(district="7")], "email": "deb@example.org"}, caller=STAFF)
    got = rpc.members.get_member(created["id"], caller=STAFF)
    assert got["name"] == "Deb Gross"
    assert got["version"] == 1
    assert got["offices"][0]["jurisdiction"] == PGH
    assert got["offices"][0]["district"] == "7"
    assert got["email"] == "deb@example.org"


@pytest.mark.parametrize("role, sees_private", [("public", False), ("partner", False),
                                                ("member", True), ("staff", True)])
def test_contact_details_are_shown_only_to_roles_that_need_them(members, rpc, role, sees_private):
    created = rpc.members.create_member({"name": "A Person", "email": "a@example.org", "phone": "555-0100"},
                                        caller=STAFF)
    caller = {"role": role, "owner_id": "org_0123456789abcdef"} if role == "partner" else {"role": role}
    got = rpc.members.get_member(created["id"], caller=caller)
    listed = rpc.members.list_members(caller=caller)["edges"][0]["node"]
    batched = rpc.members.get_members([created["id"]], caller=caller)[0]
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
def test_invalid_member_is_refused_with_a_clear_error_and_changes_nothing(members, rpc, database, sentinel,
                                                                         data, fragment):
    with pytest.raises(BadInput) as err:
        rpc.members.create_member(data, caller=STAFF)
    assert fragment in str(err.value)
    assert database("members").members.count_documents({}) == 0
    assert sentinel.events_before() == []


def test_unknown_ids_and_bad_ids_are_told_apart(members, rpc):
    with pytest.raises(NotFound):
        rpc.members.get_member("mem_0123456789abcdef")
    with pytest.raises(BadInput, match="not a valid id"):
        rpc.members.get_member("robert'); drop table")
    with pytest.raises(BadInput, match="caller role 'root' is not allowed"):
        rpc.members.get_member("mem_0123456789abcdef", caller={"role": "root"})


def test_get_members_keeps_order_and_marks_missing(members, rpc):
    a = rpc.members.create_member({"name": "Ann"}, caller=STAFF)["id"]
    b = rpc.members.create_member({"name": "Bo"}, caller=STAFF)["id"]
    got = rpc.members.get_members([b, "mem_ffffffffffffffff", a])
    assert [m and m["name"] for m in got] == ["Bo", None, "Ann"]


def test_paging_walks_every_member_once_in_name_order(members, rpc):
    names = [f"Member {i:02d}" for i in range(23)]
    for name in reversed(names):
        rpc.members.create_member({"name": name}, caller=STAFF)
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
                               "offices": [council(PGH)]}, caller=STAFF)
    rpc.members.create_member({"name": "Phil PHL", "status": "active", "issue_areas": ["minimum-wage"],
                               "offices": [council(PHL)]}, caller=STAFF)
    rpc.members.create_member({"name": "Tess Tempe", "status": "prospect", "issue_areas": ["paid-sick-leave"],
                               "offices": [{"role": "Mayor", "body": "City of Tempe", "jurisdiction": TEMPE}]},
                              caller=STAFF)

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
    with pytest.raises(BadInput, match="cursor"):
        rpc.members.list_members(after="garbage")
    with pytest.raises(BadInput, match="first"):
        rpc.members.list_members(first=1000)


def test_closed_office_is_kept_as_history_and_never_reopened(members, rpc):
    m = rpc.members.create_member({"name": "Bill Peduto", "offices": [council(start="2002-01-07")]}, caller=STAFF)
    office_id = m["offices"][0]["id"]
    m = rpc.members.close_office(m["id"], office_id, "2014-01-06", caller=STAFF)
    m = rpc.members.add_office(m["id"], {"role": "Mayor", "body": "City of Pittsburgh",
                                         "jurisdiction": PGH, "start_date": "2014-01-06"}, caller=STAFF)
    assert [(o["role"], o["end_date"]) for o in m["offices"]] == [("Mayor", None), ("Councilmember", "2014-01-06")]
    assert m["version"] == 3
    with pytest.raises(Conflict, match="already ended"):
        rpc.members.close_office(m["id"], office_id, "2015-01-01", caller=STAFF)
    # a past office does not count for current-office filters
    assert [e["node"]["name"] for e in rpc.members.list_members(filter={"role": "councilmember"})["edges"]] == []


def test_events_carry_version_and_left_when_status_lapses(members, rpc, tap):
    m = rpc.members.create_member({"name": "Ann", "status": "active"}, caller=STAFF)
    rpc.members.update_member(m["id"], {"bio": "Council since 2019"}, caller=STAFF)
    rpc.members.update_member(m["id"], {"status": "alumni"}, caller=STAFF)
    events = tap.wait_for(3)
    assert [(e["type"], e["data"]["version"]) for e in events] == [
        ("member.joined", 1), ("member.updated", 2), ("member.left", 3)]
    assert all(e["subject"] == f"member/{m['id']}" and e["specversion"] == "1.0" for e in events)
    assert "email" not in events[0]["data"]


def test_organizations_and_keys(members, rpc):
    org = rpc.members.create_organization({"name": "SEIU Local 32BJ", "kind": "union",
                                           "issue_areas": ["fair-scheduling"]}, caller=STAFF)
    key = rpc.members.create_api_key("partner", org["id"], caller=STAFF)
    assert key["key"].startswith("chk_")
    assert rpc.members.authenticate(key["key"])["owner_id"] == org["id"]
    assert rpc.members.list_organizations()["total_count"] == 1
    with pytest.raises(BadInput, match="must be owned by an existing organization"):
        rpc.members.create_api_key("partner", caller=STAFF)
    with pytest.raises(Unauthenticated):
        rpc.members.authenticate("chk_nope")
    rpc.members.revoke_api_key(key["id"], caller=STAFF)
    with pytest.raises(Unauthenticated, match="revoked"):
        rpc.members.authenticate(key["key"])


def test_keys_are_stored_hashed(members, rpc, database):
    key = rpc.members.create_api_key("staff", caller=STAFF)
    stored = database("members").api_keys.find_one({"_id": key["id"]})
    assert key["key"] not in str(stored)


# -- who may do what: the members service decides from the caller ---------------------------

MEMBER_ID = "mem_0123456789abcdef"
WRITES = {
    "create_member": lambda rpc, caller: rpc.members.create_member({"name": "Nope"}, caller=caller),
    "update_member": lambda rpc, caller: rpc.members.update_member(MEMBER_ID, {"name": "Hacked"}, caller=caller),
    "add_office": lambda rpc, caller: rpc.members.add_office(MEMBER_ID, council(), caller=caller),
    "close_office": lambda rpc, caller: rpc.members.close_office(MEMBER_ID, "off_0123456789abcdef",
                                                                  "2024-01-01", caller=caller),
    "create_organization": lambda rpc, caller: rpc.members.create_organization({"name": "X", "kind": "union"},
                                                                                caller=caller),
    "update_organization": lambda rpc, caller: rpc.members.update_organization(
        "org_0123456789abcdef", {"name": "Hacked"}, caller=caller),
    "create_api_key": lambda rpc, caller: rpc.members.create_api_key("staff", caller=caller),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("caller, error", [
    (None, Unauthenticated), ({"role": "member", "owner_id": MEMBER_ID, "owner_kind": "member"}, Forbidden),
    ({"role": "partner", "owner_id": "org_0123456789abcdef", "owner_kind": "organization"}, Forbidden)])
def test_only_staff_may_write_and_a_refused_write_changes_nothing(members, rpc, snapshot, sentinel,
                                                                  write, caller, error):
    member = rpc.members.create_member({"name": "Deb Gross", "offices": [council()]}, caller=STAFF)
    sentinel.settle(1)
    before = snapshot()
    with pytest.raises(error) as refused:
        WRITES[write](rpc, caller)
    assert "STAFF" in str(refused.value)
    assert ("Bearer" if caller is None else "this key is") in str(refused.value)
    assert snapshot() == before
    assert rpc.members.get_member(member["id"])["name"] == "Deb Gross"
    assert sentinel.events_before() == []


def test_a_refused_write_does_not_tell_whether_its_target_exists(members, rpc):
    real = rpc.members.create_member({"name": "Deb Gross"}, caller=STAFF)["id"]
    partner = {"role": "partner", "owner_id": "org_0123456789abcdef"}
    with pytest.raises(Forbidden) as on_real:
        rpc.members.update_member(real, {"name": "X"}, caller=partner)
    with pytest.raises(Forbidden) as on_missing:
        rpc.members.update_member("mem_ffffffffffffffff", {"name": "X"}, caller=partner)
    assert str(on_real.value) == str(on_missing.value)


@pytest.fixture
def people(members, rpc):
    """A member and an organisation, each with a key, and a staff key."""
    deb = rpc.members.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org"},
                                    caller=STAFF)
    org = rpc.members.create_organization({"name": "Working Families", "kind": "advocacy"}, caller=STAFF)
    return {
        "member": deb, "org": org,
        "member_key": rpc.members.create_api_key("member", deb["id"], caller=STAFF),
        "partner_key": rpc.members.create_api_key("partner", org["id"], caller=STAFF),
        "staff_key": rpc.members.create_api_key("staff", caller=STAFF),
        "as_member": {"role": "member", "owner_id": deb["id"], "owner_kind": "member"},
        "as_partner": {"role": "partner", "owner_id": org["id"], "owner_kind": "organization"},
    }


@pytest.mark.parametrize("status, signs_in", [("prospect", True), ("active", True),
                                              ("lapsed", False), ("alumni", False)])
def test_a_members_key_signs_in_only_while_the_member_is_in_the_network(people, rpc, status, signs_in):
    key = people["member_key"]["key"]
    rpc.members.update_member(people["member"]["id"], {"status": status}, caller=STAFF)
    if signs_in:
        assert rpc.members.authenticate(key)["role"] == "member"
    else:
        with pytest.raises(Unauthenticated, match=f"this API key's member is {status}"):
            rpc.members.authenticate(key)
    rpc.members.update_member(people["member"]["id"], {"status": "active"}, caller=STAFF)
    assert rpc.members.authenticate(key)["owner_id"] == people["member"]["id"]
    assert rpc.members.authenticate(people["partner_key"]["key"])["role"] == "partner"


def test_staff_list_every_key_and_an_owner_only_their_own_never_the_secret(people, rpc):
    def ids(caller, first=20):
        page = rpc.members.list_api_keys(first=first, caller=caller)
        assert all(set(e["node"]) == {"id", "role", "owner_id", "owner_kind", "created_at", "revoked_at"}
                   for e in page["edges"])
        return [e["node"]["id"] for e in page["edges"]]

    all_keys = [people[k]["id"] for k in ("member_key", "partner_key", "staff_key")]
    assert ids(STAFF) == all_keys
    assert ids(people["as_member"]) == [people["member_key"]["id"]]
    assert ids(people["as_partner"]) == [people["partner_key"]["id"]]
    first = rpc.members.list_api_keys(first=2, caller=STAFF)
    rest = rpc.members.list_api_keys(first=2, after=first["page_info"]["end_cursor"], caller=STAFF)
    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == all_keys
    with pytest.raises(Unauthenticated, match="needs an API key"):
        rpc.members.list_api_keys()


def test_an_owner_revokes_their_own_key_and_cannot_tell_others_from_missing_ones(people, rpc):
    mine, theirs = people["member_key"], people["partner_key"]
    with pytest.raises(NotFound) as other:
        rpc.members.revoke_api_key(theirs["id"], caller=people["as_member"])
    with pytest.raises(NotFound) as missing:
        rpc.members.revoke_api_key("key_0123456789abcdef", caller=people["as_member"])
    assert str(other.value).replace(theirs["id"], "ID") == str(missing.value).replace("key_0123456789abcdef", "ID")
    assert rpc.members.authenticate(theirs["key"])["role"] == "partner"
    with pytest.raises(Unauthenticated):
        rpc.members.revoke_api_key(mine["id"])

    revoked = rpc.members.revoke_api_key(mine["id"], caller=people["as_member"])
    assert revoked["id"] == mine["id"] and revoked["revoked_at"]
    with pytest.raises(Unauthenticated, match="revoked"):
        rpc.members.authenticate(mine["key"])
    with pytest.raises(Conflict, match="already revoked"):
        rpc.members.revoke_api_key(mine["id"], caller=STAFF)
    listed = rpc.members.list_api_keys(caller=STAFF)["edges"]
    assert {e["node"]["id"]: bool(e["node"]["revoked_at"]) for e in listed}[mine["id"]] is True


def test_staff_revoke_any_key(people, rpc):
    rpc.members.revoke_api_key(people["partner_key"]["id"], caller=STAFF)
    with pytest.raises(Unauthenticated):
        rpc.members.authenticate(people["partner_key"]["key"])


@pytest.mark.parametrize("data, field", [
    ({"name": "Deb\nGross"}, "name"), ({"name": "Deb Gross\n"}, "name"),
    ({"name": "X", "given_name": "A\tB"}, "given_name"),
    ({"name": "X", "family_name": "A\rB"}, "family_name"), ({"name": "X", "phone": "555\n0100"}, "phone"),
    ({"name": "X", "offices": [council(role="Council\nmember")]}, "offices[0].role"),
    ({"name": "X", "offices": [council(body="City\x00Council")]}, "offices[0].body"),
    ({"name": "X", "offices": [council(district="3\n")]}, "offices[0].district"),
])
def test_a_name_or_title_with_a_control_character_is_refused(members, rpc, database, sentinel, data, field):
    with pytest.raises(BadInput, match=rf"{re.escape(field)} contains the control character"):
        rpc.members.create_member(data, caller=STAFF)
    assert database("members").members.count_documents({}) == 0
    with pytest.raises(BadInput, match="name contains the control character"):
        rpc.members.create_organization({"name": "Working\nFamilies", "kind": "advocacy"}, caller=STAFF)
    assert database("members").organizations.count_documents({}) == 0
    assert sentinel.events_before() == []


def test_a_bio_may_run_over_several_lines(members, rpc):
    bio = "Council since 2019.\nChairs the housing committee."
    assert rpc.members.create_member({"name": "Ann", "bio": bio}, caller=STAFF)["bio"] == bio


@pytest.mark.parametrize("key", ["chk_\ud800", "chk_é" * 3, "k" * 5000])
def test_a_key_no_one_could_have_been_given_is_refused_as_unknown(members, rpc, key):
    with pytest.raises(Unauthenticated, match="not valid"):
        rpc.members.authenticate(key)
