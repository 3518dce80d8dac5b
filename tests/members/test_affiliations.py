"""Affiliations on the real members service: members belong to organisations with a role
and dates (Popolo memberships), listed both ways; a partner records and sees its own
organisation's only; hostile input is refused and changes nothing."""
import pytest

from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from tests.support import MEMBER, STAFF, As, partner


@pytest.fixture
def world(members, rpc):
    staff = As(rpc.members, STAFF)
    org = staff.create_organization({"name": "Working Families", "kind": "advocacy"})["id"]
    other = staff.create_organization({"name": "Other Union", "kind": "union"})["id"]
    official = staff.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org"})["id"]
    organizer = staff.create_member({"name": "Ola Organizer", "status": "active"})["id"]
    return {"org": org, "other": other, "official": official, "organizer": organizer, "staff": staff,
            "partner": As(rpc.members, partner(org)), "other_partner": As(rpc.members, partner(other))}


def ids(page):
    return [(e["node"]["member_id"], e["node"]["organization_id"], e["node"]["role"]) for e in page["edges"]]


def test_affiliations_list_both_ways_with_roles_and_dates(world, rpc):
    w = world
    works_with = w["partner"].add_affiliation({"member_id": w["official"], "organization_id": w["org"],
                                               "role": "Works with", "start_date": "2021-01-04"})
    assert works_with["id"].startswith("aff_") and works_with["start_date"] == "2021-01-04"
    assert works_with["end_date"] is None and works_with["version"] == 1
    w["partner"].add_affiliation({"member_id": w["organizer"], "organization_id": w["org"], "role": "Staff organizer",
                                  "start_date": "2019-05-01", "end_date": "2023-06-30"})
    w["staff"].add_affiliation({"member_id": w["official"], "organization_id": w["other"], "role": "Endorsed by"})

    of_org = w["staff"].list_affiliations(organization_id=w["org"])
    assert of_org["total_count"] == 2
    assert ids(of_org) == [(w["official"], w["org"], "Works with"), (w["organizer"], w["org"], "Staff organizer")]
    assert [e["node"]["end_date"] for e in of_org["edges"]] == [None, "2023-06-30"]
    of_official = w["staff"].list_affiliations(member_id=w["official"], first=1)
    assert of_official["total_count"] == 2 and of_official["page_info"]["has_next_page"]
    rest = w["staff"].list_affiliations(member_id=w["official"], first=1, after=of_official["page_info"]["end_cursor"])
    assert ids(of_official) + ids(rest) == [(w["official"], w["org"], "Works with"),
                                            (w["official"], w["other"], "Endorsed by")]
    # a member sees them all; a partner only its own organisation's, both ways; the public none
    assert ids(As(rpc.members, MEMBER).list_affiliations(member_id=w["official"])) == ids(of_official) + ids(rest)
    assert ids(w["partner"].list_affiliations(member_id=w["official"])) == [(w["official"], w["org"], "Works with")]
    assert w["partner"].list_affiliations(organization_id=w["other"])["edges"] == []
    assert ids(w["other_partner"].list_affiliations(member_id=w["official"])) == [
        (w["official"], w["other"], "Endorsed by")]
    with pytest.raises(Unauthenticated):
        rpc.members.list_affiliations(member_id=w["official"])

    ended = w["partner"].end_affiliation(works_with["id"], "2025-12-31")
    assert ended["end_date"] == "2025-12-31" and ended["version"] == 2
    with pytest.raises(Conflict, match="already ended"):
        w["partner"].end_affiliation(works_with["id"], "2026-01-31")
    assert ids(w["staff"].list_affiliations(organization_id=w["org"]))[0] == (w["official"], w["org"], "Works with")
    # the same role again once the first ended is a new term
    again = w["partner"].add_affiliation({"member_id": w["official"], "organization_id": w["org"], "role": "works with",
                                          "start_date": "2026-02-01"})
    assert w["staff"].list_affiliations(organization_id=w["org"])["total_count"] == 3 and again["role"] == "works with"
    with pytest.raises(Conflict, match="already is"):
        w["partner"].add_affiliation({"member_id": w["official"], "organization_id": w["org"], "role": "Works With"})


def test_a_partner_cannot_record_or_end_another_partners_affiliations(world, rpc, snapshot):
    w = world
    theirs = w["staff"].add_affiliation({"member_id": w["official"], "organization_id": w["other"], "role": "Ally"})
    before = snapshot()
    with pytest.raises(Forbidden, match="its own organisation"):
        w["partner"].add_affiliation({"member_id": w["official"], "organization_id": w["other"], "role": "Ally"})
    with pytest.raises(NotFound, match="of yours"):
        w["partner"].end_affiliation(theirs["id"], "2026-01-01")
    with pytest.raises(Forbidden):
        As(rpc.members, MEMBER).add_affiliation({"member_id": w["official"], "organization_id": w["org"], "role": "x"})
    with pytest.raises(Unauthenticated):
        rpc.members.add_affiliation({"member_id": w["official"], "organization_id": w["org"], "role": "x"})
    assert snapshot() == before


HOSTILE = [
    ({"end_date": "2020-01-01", "start_date": "2021-01-01"}, "before start_date"),
    ({"start_date": "2021-02-30"}, "is not a date"),
    ({"start_date": "yesterday"}, "is not a date"),
    ({"end_date": 20200101}, "is not a date"),
    ({"role": "Staff\norganizer"}, "control character"),
    ({"role": "Staff\x00"}, "control character"),
    ({"role": "x" * 101}, "the limit is 100"),
    ({"role": "  "}, "must not be empty"),
    ({"member_id": "mem_0123456789abcdef"}, "is not in the network"),
    ({"organization_id": "org_0123456789abcdef"}, "is not in the network"),
    ({"organization_id": "someone's"}, "not a valid id"),
    ({"colour": "red"}, "unknown fields"),
]


def test_hostile_affiliations_are_refused_and_change_nothing(world, snapshot):
    w = world
    before = snapshot()
    for change, fragment in HOSTILE:  # one service for all: each case changes nothing, so none sees another's
        data = {"member_id": w["official"], "organization_id": w["org"], "role": "Works with", **change}
        with pytest.raises(BadInput) as err:
            w["staff"].add_affiliation(data)
        assert fragment in str(err.value), change
    assert snapshot() == before


def test_hostile_lists_and_ends_are_refused(world):
    w = world
    made = w["staff"].add_affiliation({"member_id": w["official"], "organization_id": w["org"], "role": "Ally",
                                       "start_date": "2022-01-01"})
    for args in ({}, {"member_id": w["official"], "organization_id": w["org"]}, {"member_id": "x"},
                 {"organization_id": w["org"], "first": 1000}, {"organization_id": w["org"], "after": "forged"}):
        with pytest.raises(BadInput):
            w["staff"].list_affiliations(**args)
    with pytest.raises(BadInput, match="before start_date"):
        w["staff"].end_affiliation(made["id"], "2021-12-31")
    with pytest.raises(BadInput):
        w["staff"].end_affiliation(made["id"], None)
    with pytest.raises(NotFound):
        w["staff"].end_affiliation("aff_0123456789abcdef", "2023-01-01")
    assert w["staff"].list_affiliations(organization_id=w["org"])["edges"][0]["node"]["end_date"] is None
