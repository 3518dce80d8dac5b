"""Members' rules without I/O."""
import pytest

from clearinghouse.caller import PUBLIC, Caller
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from services.members import domain

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"


def office(**extra):
    return {"role": "Councilmember", "body": "City Council", "jurisdiction": PGH, "start_date": "2020-01-06", **extra}


def member(**fields):
    doc, _ = domain.new_member(domain.check_member_fields({"name": "Ann", **fields}, partial=False))
    return doc


def test_new_member_is_a_prospect_at_version_one_with_a_joined_event():
    doc, (event,) = domain.new_member(domain.check_member_fields({"name": "Ann"}, partial=False))
    assert (doc["status"], doc["version"]) == ("prospect", 1)
    assert event["type"] == "member.joined" and event["data"]["version"] == 1


def test_offices_are_listed_newest_first_and_only_current_ones_count_for_filters():
    doc = member(offices=[office(start_date="2010-01-01", end_date="2014-01-01"),
                          office(role="Mayor", body="City of Pittsburgh", start_date="2014-01-06")])
    assert [o["role"] for o in doc["offices"]] == ["Mayor", "Councilmember"]
    assert domain.current_terms(doc)["roles"] == ["mayor"]
    assert domain.current_terms(doc)["states"] == ["pa"]


def test_closing_an_office_twice_is_a_conflict():
    doc = member(offices=[office()])
    closed, _ = domain.close_office(doc, doc["offices"][0]["id"], "2024-01-01")
    with pytest.raises(Conflict):
        domain.close_office(closed, doc["offices"][0]["id"], "2025-01-01")


def test_an_office_cannot_close_before_it_began():
    doc = member(offices=[office(start_date="2020-01-06")])
    with pytest.raises(BadInput, match="before the office's start_date"):
        domain.close_office(doc, doc["offices"][0]["id"], "2019-12-31")


@pytest.mark.parametrize("before, after, event", [
    ("active", "alumni", "member.left"), ("prospect", "lapsed", "member.left"),
    ("active", "active", "member.updated"), ("lapsed", "alumni", "member.updated"),
    ("lapsed", "active", "member.updated")])
def test_leaving_is_told_apart_from_updating(before, after, event):
    doc = member(status=before)
    _, (emitted,) = domain.update_member(doc, {"status": after})
    assert emitted["type"] == event


def test_an_update_that_changes_nothing_emits_nothing():
    doc = member()
    assert domain.update_member(doc, {}) == (doc, [])


def test_offices_are_not_overwritten_by_an_update():
    with pytest.raises(BadInput, match="add_office and close_office"):
        domain.update_member(member(), {"offices": []})


@pytest.mark.parametrize("role, private", [("public", None), ("partner", None), ("member", "a@b.org"),
                                           ("staff", "a@b.org")])
def test_views_hide_contact_details_from_public_and_partners(role, private):
    assert domain.member_view(member(email="a@b.org"), Caller(role))["email"] == private


def test_list_filters_are_checked_into_plain_values_that_ignore_case():
    assert domain.check_member_filter({"body": "City Council", "name_prefix": "A.B", "state": "pa"}) == \
        domain.MemberFilter(state="pa", body="city council", name_prefix="a.b")
    assert domain.check_member_filter(None) == domain.MemberFilter()
    with pytest.raises(BadInput, match="filter.state"):
        domain.check_member_filter({"state": "Pennsylvania"})


def test_partner_keys_need_an_organisation_owner_and_are_stored_only_as_hashes():
    with pytest.raises(BadInput):
        domain.new_api_key("partner", None, None)
    record, key = domain.new_api_key("partner", "org_0123456789abcdef", "organization")
    assert record["hash"] == domain.hash_key(key) and key not in record.values()


STAFF = Caller("staff")
DEB = Caller("member", "mem_0123456789abcdef", "member")
PARTNER = Caller("partner", "org_0123456789abcdef", "organization")


def test_only_staff_pass_the_staff_check_and_the_public_is_told_to_sign_in():
    STAFF.require(domain.EDITORS, "creating a member")
    with pytest.raises(Unauthenticated, match="creating a member needs a STAFF API key"):
        PUBLIC.require(domain.EDITORS, "creating a member")
    with pytest.raises(Forbidden, match="is for STAFF keys only; this key is PARTNER"):
        PARTNER.require(domain.EDITORS, "creating a member")


@pytest.mark.parametrize("status, refused", [("prospect", False), ("active", False), ("lapsed", True),
                                             ("alumni", True), (None, True)])
def test_a_member_key_stops_signing_in_when_the_member_lapses_or_leaves(status, refused):
    record, _ = domain.new_api_key("member", DEB.owner_id, "member")
    owner = None if status is None else member(status=status)
    if refused:
        with pytest.raises(Unauthenticated, match="no longer signs in"):
            domain.check_key_owner_current(record, owner)
    else:
        domain.check_key_owner_current(record, owner)


def test_partner_and_staff_keys_do_not_depend_on_a_member():
    for role, owner, kind in (("partner", PARTNER.owner_id, "organization"), ("staff", None, None)):
        record, _ = domain.new_api_key(role, owner, kind)
        domain.check_key_owner_current(record, None)


def test_keys_are_listed_all_for_staff_and_own_for_an_owner():
    assert domain.whose_keys(STAFF) is None
    assert domain.whose_keys(DEB) == DEB.owner_id
    with pytest.raises(Unauthenticated):
        domain.whose_keys(PUBLIC)


def test_a_listed_key_shows_neither_the_key_nor_its_hash():
    record, key = domain.new_api_key("member", DEB.owner_id, "member")
    view = domain.key_view(record)
    assert "hash" not in view and key not in view.values() and record["hash"] not in view.values()


def test_someone_elses_key_is_answered_like_a_missing_one():
    record, _ = domain.new_api_key("partner", PARTNER.owner_id, "organization")
    domain.check_may_revoke(PARTNER, record, record["id"])
    domain.check_may_revoke(STAFF, record, record["id"])
    with pytest.raises(NotFound) as theirs:
        domain.check_may_revoke(DEB, record, "key_0123456789abcdef")
    with pytest.raises(NotFound) as missing:
        domain.check_may_revoke(DEB, None, "key_0123456789abcdef")
    assert str(theirs.value) == str(missing.value)
    with pytest.raises(Conflict, match="already revoked"):
        domain.check_may_revoke(STAFF, {**record, "revoked_at": "2026-01-01T00:00:00Z"}, record["id"])


@pytest.mark.parametrize("fields", [{"name": "Ann\nB"}, {"pronouns": "she\r\nher"},
                                    {"offices": [office(role="Mayor\u2028")]}])
def test_one_line_fields_refuse_control_characters(fields):
    with pytest.raises(BadInput, match="control character"):
        domain.check_member_fields({"name": "Ann", **fields}, partial=False)
