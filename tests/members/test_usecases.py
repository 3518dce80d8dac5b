"""Members' use cases against the in-memory repository: who may do what, what a refused
or invalid call leaves (nothing), which events a write queues in the outbox, and paging.
No broker, no store: microseconds each."""
import pytest

from clearinghouse.caller import PUBLIC, Caller
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from services.members import usecases
from tests.members.memory import InMemoryMembersRepository
from tests.support import PGH, PHL, TEMPE

STAFF = Caller("staff")
MEMBER_ID = "mem_0123456789abcdef"


def council(jurisdiction=PGH, start="2020-01-06", **extra):
    return {"role": "Councilmember", "body": "City Council", "jurisdiction": jurisdiction,
            "start_date": start, **extra}


@pytest.fixture
def members():
    return InMemoryMembersRepository()


def create(members, **fields):
    return usecases.create_member(members, STAFF, {"name": "Ann", **fields})


def test_a_created_member_is_read_back_and_its_joined_event_waits_in_the_outbox(members):
    created = create(members, status="active", offices=[council(district="7")], email="deb@example.org")
    got = usecases.get_member(members, STAFF, created["id"])
    assert got == created
    assert (got["version"], got["offices"][0]["district"], got["email"]) == (1, "7", "deb@example.org")
    (event,) = members.outbox("members", created["id"])
    assert (event["type"], event["subject"], event["data"]["version"]) == (
        "member.joined", f"member/{created['id']}", 1)
    assert "email" not in event["data"]


def test_updates_queue_updated_then_left_and_an_empty_update_queues_nothing(members):
    m = create(members, status="active")
    assert usecases.update_member(members, STAFF, m["id"], {})["version"] == 1
    usecases.update_member(members, STAFF, m["id"], {"bio": "Council since 2019"})
    usecases.update_member(members, STAFF, m["id"], {"status": "alumni"})
    assert [(e["type"], e["data"]["version"]) for e in members.relay()] == [
        ("member.joined", 1), ("member.updated", 2), ("member.left", 3)]
    assert members.relay() == []


@pytest.mark.parametrize("role, sees_private", [("public", False), ("partner", False),
                                                ("member", True), ("staff", True)])
def test_contact_details_are_shown_only_to_roles_that_need_them(members, role, sees_private):
    created = create(members, email="a@example.org", phone="555-0100")
    caller = Caller(role, "org_0123456789abcdef", "organization") if role == "partner" else Caller(role)
    views = (usecases.get_member(members, caller, created["id"]),
             usecases.list_members(members, caller, None, 20, None)["edges"][0]["node"],
             usecases.get_members(members, caller, [created["id"]])[0])
    for view in views:
        assert (view["email"], view["phone"]) == (("a@example.org", "555-0100") if sees_private else (None, None))


@pytest.mark.parametrize("data, fragment", [
    ({}, "name is required"),
    ({"name": "X", "status": "famous"}, "status 'famous' is not allowed"),
    ({"name": "X", "shoe_size": 9}, "unknown fields ['shoe_size']"),
    ({"name": "X", "offices": [council(start="2020-01-01", end_date="2019-01-01")]}, "before start_date"),
])
def test_an_invalid_member_is_refused_and_changes_nothing(members, data, fragment):
    create(members, name="Deb Gross")
    before = members.snapshot()
    with pytest.raises(BadInput, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        usecases.create_member(members, STAFF, data)
    assert members.snapshot() == before


WRITES = {
    "create_member": lambda m, caller: usecases.create_member(m, caller, {"name": "Nope"}),
    "update_member": lambda m, caller: usecases.update_member(m, caller, MEMBER_ID, {"name": "Hacked"}),
    "add_office": lambda m, caller: usecases.add_office(m, caller, MEMBER_ID, council()),
    "close_office": lambda m, caller: usecases.close_office(m, caller, MEMBER_ID, "off_0123456789abcdef",
                                                             "2024-01-01"),
    "create_organization": lambda m, caller: usecases.create_organization(m, caller, {"name": "X", "kind": "union"}),
    "update_organization": lambda m, caller: usecases.update_organization(m, caller, "org_0123456789abcdef",
                                                                           {"name": "Hacked"}),
    "create_api_key": lambda m, caller: usecases.create_api_key(m, caller, "staff", None),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("caller, error", [
    (PUBLIC, Unauthenticated), (Caller("member", MEMBER_ID, "member"), Forbidden),
    (Caller("partner", "org_0123456789abcdef", "organization"), Forbidden)])
def test_only_staff_may_write_and_a_refused_write_changes_nothing_nor_queues_events(members, write, caller, error):
    members.insert("members", {"_id": MEMBER_ID, "version": 1, "name": "Deb Gross", "status": "active"})
    members.relay()
    before = members.snapshot()
    with pytest.raises(error, match="STAFF"):
        WRITES[write](members, caller)
    assert members.snapshot() == before
    assert members.relay() == []


def test_paging_walks_every_member_once_in_name_order(members):
    names = [f"Member {i:02d}" for i in range(23)]
    for name in reversed(names):
        create(members, name=name)
    seen, after = [], None
    while True:
        page = usecases.list_members(members, PUBLIC, None, 5, after)
        assert page["total_count"] == 23
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == names


def test_list_filters_combine_and_bad_paging_is_refused(members):
    create(members, name="Pat PGH", status="active", issue_areas=["paid-sick-leave"], offices=[council(PGH)])
    create(members, name="Phil PHL", status="active", issue_areas=["minimum-wage"], offices=[council(PHL)])
    create(members, name="Tess Tempe", status="prospect", issue_areas=["paid-sick-leave"],
           offices=[{"role": "Mayor", "body": "City of Tempe", "jurisdiction": TEMPE}])

    def names(**f):
        return [e["node"]["name"] for e in usecases.list_members(members, PUBLIC, f, None, None)["edges"]]

    assert names(state="pa") == ["Pat PGH", "Phil PHL"]
    assert names(state="pa", issue_area="paid-sick-leave") == ["Pat PGH"]
    assert names(jurisdiction=TEMPE) == ["Tess Tempe"]
    assert names(role="mayor") == ["Tess Tempe"]
    assert names(body="city council", status="active") == ["Pat PGH", "Phil PHL"]
    assert names(name_prefix="ph") == ["Phil PHL"]
    assert names(name_prefix="(") == []
    with pytest.raises(BadInput, match="filter.state"):
        usecases.list_members(members, PUBLIC, {"state": "Pennsylvania"}, 20, None)
    with pytest.raises(BadInput, match="cursor"):
        usecases.list_members(members, PUBLIC, None, 20, "garbage")
    with pytest.raises(BadInput, match="first"):
        usecases.list_members(members, PUBLIC, None, 1000, None)


def test_a_closed_office_is_kept_as_history_never_reopened_and_no_longer_current(members):
    m = create(members, name="Bill Peduto", offices=[council(start="2002-01-07")])
    office_id = m["offices"][0]["id"]
    usecases.close_office(members, STAFF, m["id"], office_id, "2014-01-06")
    m = usecases.add_office(members, STAFF, m["id"], {"role": "Mayor", "body": "City of Pittsburgh",
                                                      "jurisdiction": PGH, "start_date": "2014-01-06"})
    assert [(o["role"], o["end_date"]) for o in m["offices"]] == [("Mayor", None), ("Councilmember", "2014-01-06")]
    assert m["version"] == 3
    members.relay()
    before = members.snapshot()
    with pytest.raises(Conflict, match="already ended"):
        usecases.close_office(members, STAFF, m["id"], office_id, "2015-01-01")
    assert members.snapshot() == before and members.relay() == []
    assert usecases.list_members(members, PUBLIC, {"role": "councilmember"}, 20, None)["edges"] == []


def test_a_change_is_applied_again_on_what_a_concurrent_writer_left(members):
    m = create(members, name="Ann")
    raced = []

    def concurrently(member):
        if not raced:  # someone else writes between our read and our write
            raced.append(usecases.update_member(members, STAFF, m["id"], {"bio": "theirs"}))
        return {**member, "pronouns": "she/her", "version": member["version"] + 1}, []

    stored, _ = members.change("members", m["id"], concurrently)
    assert (stored["bio"], stored["pronouns"], stored["version"]) == ("theirs", "she/her", 3)


def test_unknown_members_are_not_found_and_batches_mark_them_missing(members):
    a, b = create(members, name="Ann")["id"], create(members, name="Bo")["id"]
    with pytest.raises(NotFound):
        usecases.get_member(members, PUBLIC, "mem_ffffffffffffffff")
    with pytest.raises(NotFound):
        usecases.update_member(members, STAFF, "mem_ffffffffffffffff", {"bio": "x"})
    got = usecases.get_members(members, PUBLIC, [b, "mem_ffffffffffffffff", a])
    assert [x and x["name"] for x in got] == ["Bo", None, "Ann"]


def test_organisations_queue_their_events_and_list_by_name(members):
    org = usecases.create_organization(members, STAFF, {"name": "SEIU Local 32BJ", "kind": "union"})
    usecases.create_organization(members, STAFF, {"name": "Amalgamated", "kind": "union"})
    renamed = usecases.update_organization(members, STAFF, org["id"], {"name": "32BJ SEIU"})
    assert renamed["version"] == 2 and usecases.get_organization(members, org["id"]) == renamed
    assert [e["type"] for e in members.outbox("organizations", org["id"])] == ["organization.updated"] * 2
    listed = usecases.list_organizations(members, None, None)
    assert [e["node"]["name"] for e in listed["edges"]] == ["32BJ SEIU", "Amalgamated"]
    assert usecases.get_organizations(members, [org["id"], "org_ffffffffffffffff"])[1] is None


@pytest.fixture
def people(members):
    deb = create(members, name="Deb Gross", status="active")
    org = usecases.create_organization(members, STAFF, {"name": "Working Families", "kind": "advocacy"})
    return {
        "member": deb, "org": org,
        "member_key": usecases.create_api_key(members, STAFF, "member", deb["id"]),
        "partner_key": usecases.create_api_key(members, STAFF, "partner", org["id"]),
        "staff_key": usecases.create_api_key(members, STAFF, "staff", None),
        "as_member": Caller("member", deb["id"], "member"),
        "as_partner": Caller("partner", org["id"], "organization"),
    }


def test_keys_sign_in_as_their_owner_and_are_kept_only_as_hashes(members, people):
    assert usecases.authenticate(members, people["partner_key"]["key"])["owner_id"] == people["org"]["id"]
    assert people["member_key"]["key"] not in str(members.collections["api_keys"])
    for key in (None, "", "chk_nope", "chk_\ud800", "k" * 5000):
        with pytest.raises(Unauthenticated):
            usecases.authenticate(members, key)
    with pytest.raises(BadInput, match="must be owned by an existing organization"):
        usecases.create_api_key(members, STAFF, "partner", None)
    with pytest.raises(NotFound, match="neither an existing member nor an organisation"):
        usecases.create_api_key(members, STAFF, "member", "mem_ffffffffffffffff")


@pytest.mark.parametrize("status, signs_in", [("prospect", True), ("active", True),
                                              ("lapsed", False), ("alumni", False)])
def test_a_members_key_signs_in_only_while_the_member_is_in_the_network(members, people, status, signs_in):
    key = people["member_key"]["key"]
    usecases.update_member(members, STAFF, people["member"]["id"], {"status": status})
    if signs_in:
        assert usecases.authenticate(members, key)["role"] == "member"
    else:
        with pytest.raises(Unauthenticated, match=f"this API key's member is {status}"):
            usecases.authenticate(members, key)


def test_staff_list_every_key_oldest_first_and_an_owner_only_their_own(members, people):
    def ids(caller, first=20, after=None):
        page = usecases.list_api_keys(members, caller, first, after)
        assert all(set(e["node"]) == {"id", "role", "owner_id", "owner_kind", "created_at", "revoked_at"}
                   for e in page["edges"])
        return [e["node"]["id"] for e in page["edges"]], page["page_info"]["end_cursor"]

    all_keys = [people[k]["id"] for k in ("member_key", "partner_key", "staff_key")]
    assert ids(STAFF)[0] == all_keys
    assert ids(people["as_member"])[0] == [people["member_key"]["id"]]
    first, cursor = ids(STAFF, first=2)
    assert first + ids(STAFF, first=2, after=cursor)[0] == all_keys
    with pytest.raises(Unauthenticated, match="needs an API key"):
        usecases.list_api_keys(members, PUBLIC, 20, None)


def test_an_owner_revokes_their_own_key_and_cannot_tell_others_from_missing_ones(members, people):
    mine, theirs = people["member_key"], people["partner_key"]
    before = members.snapshot()
    with pytest.raises(NotFound) as other:
        usecases.revoke_api_key(members, people["as_member"], theirs["id"])
    with pytest.raises(NotFound) as missing:
        usecases.revoke_api_key(members, people["as_member"], "key_0123456789abcdef")
    assert str(other.value).replace(theirs["id"], "ID") == str(missing.value).replace("key_0123456789abcdef", "ID")
    assert members.snapshot() == before
    revoked = usecases.revoke_api_key(members, people["as_member"], mine["id"])
    assert revoked["id"] == mine["id"] and revoked["revoked_at"]
    with pytest.raises(Unauthenticated, match="revoked"):
        usecases.authenticate(members, mine["key"])
    with pytest.raises(Conflict, match="already revoked"):
        usecases.revoke_api_key(members, STAFF, mine["id"])
    assert usecases.authenticate(members, theirs["key"])["role"] == "partner"


@pytest.mark.parametrize("change", [
    lambda m, mid: usecases.update_member(m, STAFF, mid, {"offices": []}),
    lambda m, mid: usecases.update_member(m, STAFF, mid, {"status": "famous"}),
    lambda m, mid: usecases.update_member(m, STAFF, "robert'); drop table", {"bio": "x"}),
    lambda m, mid: usecases.add_office(m, STAFF, mid, council(jurisdiction="pittsburgh")),
    lambda m, mid: usecases.close_office(m, STAFF, mid, "off_0123456789abcdef", "2024-01-01"),
    lambda m, mid: usecases.close_office(m, STAFF, mid, "off_0123456789abcdef", "2024-13-01"),
    lambda m, mid: usecases.update_organization(m, STAFF, "org_0123456789abcdef", {"kind": "cartel"}),
])
def test_an_invalid_change_is_refused_and_changes_nothing_nor_queues_events(members, change):
    m = create(members, offices=[council()])
    members.relay()
    before = members.snapshot()
    with pytest.raises(BadInput):
        change(members, m["id"])
    assert members.snapshot() == before and members.relay() == []


def test_offices_added_and_closed_queue_member_updated_with_the_new_version(members):
    m = create(members)
    m = usecases.add_office(members, STAFF, m["id"], council())
    usecases.close_office(members, STAFF, m["id"], m["offices"][0]["id"], "2024-01-01")
    events = members.relay()
    assert [(e["type"], e["data"]["version"]) for e in events] == [
        ("member.joined", 1), ("member.updated", 2), ("member.updated", 3)]
    assert [[o["end_date"] for o in e["data"]["offices"]] for e in events] == [[], [None], ["2024-01-01"]]


def test_a_page_without_its_count_counts_nothing(members):
    for name in ("Ann", "Bo", "Cy"):
        create(members, name=name)
    counted = getattr(members, "counts", 0)
    page = usecases.list_members(members, PUBLIC, None, 2, None, count=False)
    assert page["total_count"] is None and len(page["edges"]) == 2 and page["page_info"]["has_next_page"]
    assert getattr(members, "counts", 0) == counted  # no count asked of the store
    assert usecases.list_members(members, PUBLIC, None, 2, None)["total_count"] == 3
    assert members.counts == counted + 1
    for bad in ("yes", 1, None, [True]):
        with pytest.raises(BadInput, match="count must be true or false"):
            usecases.list_members(members, PUBLIC, None, 2, None, count=bad)
