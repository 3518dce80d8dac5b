"""What search indexes and what may be asked of it, as pure functions: no engine, no broker."""
import pytest

from clearinghouse.errors import BadInput
from clearinghouse.events import cloudevent
from clearinghouse.paging import encode
from services.search import index

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"


def member(**extra):
    return {"id": "mem_0123456789abcdef", "name": "Deb Gross", "status": "active", "bio": "Council",
            "issue_areas": ["paid-sick-leave"], "version": 3, "email": "deb@example.org", "phone": "555-0100",
            "offices": [{"id": "off_1", "role": "Councilmember", "body": "City Council", "jurisdiction": PGH,
                         "district": "7", "start_date": "2020-01-06", "end_date": None}], **extra}


def test_member_document_copies_only_public_fields():
    doc = index.document("member", member(), "mem_0123456789abcdef", 3)
    flat = repr(doc)
    assert "deb@example.org" not in flat and "555-0100" not in flat
    assert "email" not in doc["node"] and "phone" not in doc["node"]
    assert doc["key"] == "member:mem_0123456789abcdef"
    assert (doc["state"], doc["jurisdiction"], doc["visible"]) == (["pa"], [PGH], True)
    assert "Pittsburgh, PA" in doc["places"]


def test_closed_offices_do_not_place_a_member():
    closed = member(offices=[{**member()["offices"][0], "end_date": "2021-01-01"}])
    doc = index.document("member", closed, closed["id"], 3)
    assert doc["state"] == [] and doc["jurisdiction"] == []


@pytest.mark.parametrize("status", ["lapsed", "alumni"])
def test_members_who_left_become_hidden_tombstones(status):
    doc = index.document("member", member(status=status), "mem_0123456789abcdef", 4)
    assert doc == {"key": "member:mem_0123456789abcdef", "type": "member", "id": "mem_0123456789abcdef",
                   "version": 4, "visible": False}


@pytest.mark.parametrize("status, visible", [("published", True), ("draft", False), ("archived", False)])
def test_only_published_toolkits_are_visible(status, visible):
    toolkit = {"slug": "paid-sick-days", "title": "Paid sick days", "issue_area": "paid-sick-leave",
               "status": status, "summary": "Why and how", "version": 2}
    assert index.document("toolkit", toolkit, "paid-sick-days", 5)["visible"] is visible


def test_gone_entity_is_a_hidden_tombstone():
    assert index.document("ordinance", None, "ord_0123456789abcdef", 7)["visible"] is False


def test_version_is_the_entity_counter_never_below_the_event():
    assert index.version_of("member", {"version": 5}, 3) == 5
    assert index.version_of("toolkit", None, 4) == 4
    assert index.version_of("ask", {"version": 1}) == 1


def test_event_target_reads_the_entity_from_the_event():
    event = cloudevent("toolkit.archived", "toolkit/tk", {"id": "x", "slug": "tk", "version": 4, "issue_area": "x"})
    assert index.event_target(event) == ("toolkit", "tk", 4)
    assert index.event_target(cloudevent("preemption.changed", "preemption/pa/x", {"version": 1})) is None


def test_quoted_parts_are_phrases():
    assert index.parse_text('"transfer tax" in pittsburgh "') == (["transfer tax"], "in pittsburgh")
    assert index.parse_text("plain words") == ([], "plain words")


@pytest.mark.parametrize("filters, fragment", [
    ({"colour": "red"}, "unknown fields ['colour']"),
    ({"state": "zz"}, "filter.state 'zz' is not a state"),
    ({"status": "pending"}, "filter.status 'pending' is not allowed"),
    ({"issue_area": "free-ponies"}, "not a known issue area"),
    ({"jurisdiction": "pittsburgh"}, "not an Open Civic Data division id"),
    ({"jurisdiction": "ocd-division/country:us/state:pa/place:pittsburgh\n"}, "malformed"),  # a trailing newline
    ({"jurisdiction": ["ocd-division/country:us/state:pa" + "/place:x" * 40]}, "at most 300"),
    ({"status": {"$ne": "x"}}, "filter.status {'$ne': 'x'} is not allowed"),
    ({"issue_area": ["minimum-wage", {"$regex": ".*"}]}, "not a known issue area"),
    ({"type": "person"}, "filter.type 'person' is not allowed"),
    ({"state": []}, "one value or a list of 1 to 50 values"),
    ("state=pa", "filter must be an object"),
])
def test_bad_filters_are_refused_with_what_is_allowed(filters, fragment):
    with pytest.raises(BadInput) as err:
        index.check_query("x", filters=filters)
    assert fragment in str(err.value)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"types": ["person"]}, "types[] 'person' is not allowed"),
    ({"types": [["member"]]}, "types[] ['member'] is not allowed"),  # was INTERNAL: unhashable
    ({"first": 101}, "first must be a whole number from 0 to 100"),
    ({"after": "bm90IGEgY3Vyc29y"}, "not a cursor this server gave"),
    ({"after": encode(["member:m"], "members.name_key")}, "not a cursor this server gave"),  # another list's
    ({"after": encode([1, "member:m"], "search")}, "not a cursor this server gave"),  # a score not held as a number
    ({"after": encode([0.5, 0.5], "search")}, "not a cursor this server gave"),
    ({"after": encode([0.5, "a", "b"], "search")}, "not a cursor this server gave"),
    ({"after": {"$gt": ""}}, "not a cursor this server gave"),
    ({"text": "x" * 501}, "the limit is 500"),
])
def test_bad_query_arguments_are_refused(kwargs, fragment):
    with pytest.raises(BadInput) as err:
        index.check_query(kwargs.pop("text", "x"), **kwargs)
    assert fragment in str(err.value)


def test_search_calls_no_owner_from_its_service_only_its_rebuild_does():
    from clearinghouse.rpc import ServiceRpc
    from services.search.service import SearchService
    # events carry the public view: the service has no owner proxy (rebuild.py has its own)
    assert not [name for name, value in vars(SearchService).items() if isinstance(value, ServiceRpc)]


def test_every_type_search_indexes_has_events_in_the_catalog_to_follow():
    assert set(index.EVENT_KINDS.values()) == set(index.TYPES)


def test_each_type_is_named_by_the_field_its_catalog_subject_names():
    assert index.NAMED_BY == {"member": "id", "toolkit": "slug", "ordinance": "id", "ask": "id"}
    assert index.entity_id("toolkit", {"slug": "tk", "id": "other"}) == "tk"
    event = cloudevent("member.updated", "member/mem_0123456789abcdef", {"version": 2})  # no id in data
    assert index.event_target(event) == ("member", "mem_0123456789abcdef", 2)
