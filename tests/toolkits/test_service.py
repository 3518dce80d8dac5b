"""The toolkits service on a real broker with the embedded store over the wire."""
import base64
import json

import pytest

from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from clearinghouse.paging import encode
from clearinghouse.events import CATALOG
from tests.support import MEMBER, PARTNER, PGH, PHL, As

SEATTLE = "ocd-division/country:us/state:wa/place:seattle"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
BIRMINGHAM = "ocd-division/country:us/state:al/place:birmingham"


@pytest.fixture
def tap(toolkits, event_tap):
    return event_tap("toolkits.events")


def shaped_as_catalogued(event):
    return set(event["data"]) == {"id", "version", *CATALOG[event["type"]].data}


def toolkit_data(**extra):
    return {"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
            "summary": "Earned sick time for every worker.", "model_ordinance": "# Section 1\nEvery employee...",
            "talking_points": ["Nobody should choose between a paycheck and their health."],
            "resources": [{"title": "A guide", "url": "https://example.org/guide"}], **extra}


def ordinance_data(jurisdiction=PGH, issue_area="paid-sick-leave", title="Paid Sick Days Act", **extra):
    return {"title": title, "jurisdiction": jurisdiction, "issue_area": issue_area, **extra}


def forged(token):
    """A cursor made by a client, not by the server."""
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


def action(type_, date, source_url=None, note=None):
    return {"type": type_, "date": date, "source_url": source_url, "note": note}


def test_toolkit_version_history_survives_revisions(toolkits, staff):
    created = staff.create_toolkit(toolkit_data())
    assert (created["status"], created["version"], created["versions"]) == ("draft", 1, [])
    staff.revise_toolkit("paid-sick-days", {"summary": "Edited draft"})
    v1 = staff.publish_toolkit("paid-sick-days", change_note="First release")
    assert (v1["status"], v1["version"], v1["summary"]) == ("published", 1, "Edited draft")
    draft = staff.revise_toolkit("paid-sick-days", {"summary": "Second edition", "change_note": "Updated"})
    assert (draft["status"], draft["version"]) == ("draft", 2)
    assert staff.get_toolkit("paid-sick-days")["summary"] == "Edited draft"
    assert staff.get_toolkit("paid-sick-days", draft=True)["summary"] == "Second edition"
    v2 = staff.publish_toolkit("paid-sick-days")
    assert [(h["version"], h["change_note"]) for h in v2["versions"]] == [(1, "First release"), (2, "Updated")]
    assert staff.get_toolkit("paid-sick-days", version=1)["summary"] == "Edited draft"
    assert staff.get_toolkit("paid-sick-days", version=2)["summary"] == "Second edition"
    with pytest.raises(NotFound, match="no published version 3"):
        staff.get_toolkit("paid-sick-days", version=3)
    assert staff.get_toolkits(["paid-sick-days", "nope"])[1] is None


def test_archived_toolkits_are_listed_only_when_asked_for(toolkits, staff):
    for slug, area in (("paid-sick-days", "paid-sick-leave"), ("fifteen", "minimum-wage"),
                       ("fair-workweek", "fair-scheduling")):
        staff.create_toolkit(toolkit_data(slug=slug, issue_area=area))
        staff.publish_toolkit(slug)
    staff.archive_toolkit("fifteen")

    def slugs(**kw):
        return [e["node"]["slug"] for e in staff.list_toolkits(**kw)["edges"]]

    assert slugs() == ["fair-workweek", "paid-sick-days"]
    assert slugs(status="archived") == ["fifteen"]
    assert slugs(issue_area="fair-scheduling") == ["fair-workweek"]
    assert staff.get_toolkit("fifteen")["status"] == "archived"
    with pytest.raises(Conflict, match="already exists"):
        staff.create_toolkit(toolkit_data())


def test_toolkit_events_carry_entity_version_and_toolkit_version(toolkits, staff, tap):
    staff.create_toolkit(toolkit_data())
    staff.publish_toolkit("paid-sick-days", "v1")
    staff.revise_toolkit("paid-sick-days", {"title": "Paid Sick Days (2nd ed.)"})
    staff.publish_toolkit("paid-sick-days", "v2")
    staff.archive_toolkit("paid-sick-days")
    events = tap.wait_for(4)
    assert [(e["type"], e["data"]["version"]) for e in events] == [
        ("toolkit.published", 2), ("toolkit.revised", 3), ("toolkit.published", 4), ("toolkit.archived", 5)]
    # the published version each event shows (a revision's draft is never in an event)
    assert [e["data"].get("toolkit_version") for e in events] == [1, 1, 2, 2]
    assert all(e["subject"] == "toolkit/paid-sick-days" and e["data"]["id"] == "paid-sick-days" for e in events)
    assert events[2]["data"]["title"] == "Paid Sick Days (2nd ed.)"
    assert all(shaped_as_catalogued(e) for e in events)


def test_pittsburgh_reversal_over_rpc_with_events(toolkits, staff, tap):
    source = "https://example.org/pgh"
    o = staff.record_ordinance(ordinance_data(actions=[action("introduced", "2015-05-05", source)]))
    for type_, date in [("passed", "2015-08-03"), ("enacted", "2015-08-13"), ("challenged", "2015-09-01"),
                        ("struck_down", "2015-12-21"), ("appealed", "2016-01-15"), ("struck_down", "2017-02-08"),
                        ("appealed", "2017-03-01"), ("reinstated", "2019-07-17")]:
        o = staff.record_action(o["id"], action(type_, date, source))
    assert o["status"] == "reinstated" and o["version"] == 9
    assert "effective" in o["next_actions"]
    events = tap.wait_for(9)
    assert events[0]["type"] == "ordinance.recorded"
    recorded = events[0]["data"]  # the ordinance's public view at version 1
    assert {k: recorded[k] for k in ("id", "version", "title", "jurisdiction", "state", "issue_area", "status")} == {
        "id": o["id"], "version": 1, "title": "Paid Sick Days Act", "jurisdiction": PGH, "state": "pa",
        "issue_area": "paid-sick-leave", "status": "introduced"}
    assert [a["type"] for a in recorded["actions"]] == ["introduced"] and recorded["action_count"] == 1
    changes = [(e["data"]["version"], e["data"]["from"], e["data"]["to"], e["data"]["action"]) for e in events[1:]]
    assert changes[-3:] == [(7, "appealed", "struck_down", "struck_down"), (8, "struck_down", "appealed", "appealed"),
                            (9, "appealed", "reinstated", "reinstated")]
    assert set(events[-1]["data"]) == {"id", "version", *CATALOG["ordinance.status_changed"].data}
    assert all(shaped_as_catalogued(e) for e in events)
    assert all(e["subject"] == f"ordinance/{o['id']}" for e in events)


def test_an_illegal_action_is_refused_naming_the_allowed_ones_and_changes_nothing(toolkits, staff, tap):
    o = staff.record_ordinance(ordinance_data(actions=[action("drafted", "2015-01-01")]))
    with pytest.raises(Conflict) as err:
        staff.record_action(o["id"], action("vetoed", "2015-02-01"))
    assert "allowed next actions: introduced, withdrawn, amended" in str(err.value)
    assert staff.get_ordinance(o["id"]) == o
    # a sentinel: a later write whose event, once here, proves the refusal queued none before it
    staff.record_action(o["id"], action("introduced", "2015-02-01"))
    events = tap.wait_for(2)
    assert [(e["type"], e["data"]["version"]) for e in events] == [
        ("ordinance.recorded", 1), ("ordinance.status_changed", 2)]


def test_recording_the_same_action_twice_is_idempotent(toolkits, staff, tap):
    o = staff.record_ordinance(ordinance_data())
    once = staff.record_action(o["id"], action("passed", "2015-08-03", "https://example.org/vote"))
    twice = staff.record_action(o["id"], action("passed", "2015-08-03", "https://example.org/vote",
                                                       note="again"))
    assert twice == once and once["version"] == 2 and len(once["actions"]) == 1
    # one more, later write proves the relay had its chance to publish a second event
    staff.record_action(o["id"], action("signed", "2015-08-13"))
    events = tap.wait_for(3)
    assert [e["type"] for e in events] == ["ordinance.recorded", "ordinance.status_changed",
                                           "ordinance.status_changed"]


def test_back_dated_actions_are_placed_in_date_order(toolkits, staff):
    o = staff.record_ordinance(ordinance_data(actions=[action("passed", "2015-08-03")]))
    o = staff.record_action(o["id"], action("introduced", "2015-05-05"))
    assert [a["type"] for a in o["actions"]] == ["introduced", "passed"] and o["status"] == "passed"
    assert all(a["recorded_at"].endswith("Z") for a in o["actions"])


def test_can_pass_verdicts(toolkits, staff):
    staff.set_preemption({"state": "pa", "issue_area": "minimum-wage", "scope": "full",
                                 "statute": "43 P.S. 333.114a", "year": 1996, "voids_existing_laws": None})
    staff.set_preemption({"state": "wa", "issue_area": "minimum-wage", "scope": "none"})
    staff.set_preemption({"state": "ca", "issue_area": "minimum-wage", "scope": "partial",
                                 "notes": "Sample: only some employers."})
    verdicts = {j: staff.can_pass(j, "minimum-wage") for j in (PGH, SEATTLE, SF, BIRMINGHAM)}
    assert {j: r["verdict"] for j, r in verdicts.items()} == {
        PGH: "preempted", SEATTLE: "allowed", SF: "partially_preempted", BIRMINGHAM: "unknown"}
    assert verdicts[PGH]["preemptions"][0]["statute"] == "43 P.S. 333.114a"
    assert "43 P.S. 333.114a" in verdicts[PGH]["explanation"]
    assert verdicts[BIRMINGHAM]["preemptions"] == [] and "no record" in verdicts[BIRMINGHAM]["explanation"]
    assert staff.can_pass("ocd-division/country:us/state:al", "minimum-wage")["verdict"] == "allowed"


def test_can_pass_names_the_toolkit_and_peers_in_effect_same_state_first(toolkits, staff):
    staff.create_toolkit(toolkit_data())
    staff.publish_toolkit("paid-sick-days")
    staff.create_toolkit(toolkit_data(slug="draft-only"))
    seattle = staff.record_ordinance(ordinance_data(SEATTLE, actions=[action("passed", "2011-09-12")]))
    phl = staff.record_ordinance(ordinance_data(PHL, actions=[action("passed", "2015-02-12"),
                                                                     action("signed", "2015-02-12")]))
    staff.record_ordinance(ordinance_data("ocd-division/country:us/state:pa/place:erie",
                                                 actions=[action("introduced", "2010-01-01")]))
    staff.record_ordinance(ordinance_data(PGH, actions=[action("passed", "2015-08-03")]))
    staff.record_ordinance(ordinance_data(SF, "minimum-wage", actions=[action("passed", "2003-01-01")]))
    result = staff.can_pass(PGH, "paid-sick-leave")
    assert result["toolkit_slug"] == "paid-sick-days"
    assert [p["id"] for p in result["peers"]] == [phl["id"], seattle["id"]]


def test_spread_lists_first_and_latest_actions_oldest_first(toolkits, staff):
    later = staff.record_ordinance(ordinance_data(PGH, actions=[action("introduced", "2015-05-05"),
                                                                       action("passed", "2015-08-03")]))
    undated = staff.record_ordinance(ordinance_data(PHL))
    earlier = staff.record_ordinance(ordinance_data(SEATTLE, actions=[action("passed", "2011-09-12")]))
    spread = staff.spread("paid-sick-leave")
    assert [o["id"] for o in spread] == [earlier["id"], later["id"], undated["id"]]
    assert (spread[1]["first_action"]["type"], spread[1]["latest_action"]["type"]) == ("introduced", "passed")
    assert spread[2]["first_action"] is None


def test_list_ordinances_filters_and_pages_without_gaps(toolkits, staff):
    sponsor = "mem_0123456789abcdef"
    made = []
    for i in range(13):
        jurisdiction = f"ocd-division/country:us/state:{'pa' if i % 2 else 'wa'}/place:town_{i:02d}"
        made.append(staff.record_ordinance(ordinance_data(
            jurisdiction, sponsor_ids=[sponsor] if i < 3 else [],
            actions=[action("passed" if i % 3 else "introduced", "2016-01-01")])))
    seen, after = [], None
    while True:
        page = staff.list_ordinances(first=4, after=after)
        assert page["total_count"] == 13
        seen += [e["node"]["jurisdiction"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == sorted(o["jurisdiction"] for o in made)

    def count(**f):
        return staff.list_ordinances(filter=f)["total_count"]

    assert (count(state="pa"), count(state="wa"), count(sponsor_id=sponsor)) == (6, 7, 3)
    assert (count(status="introduced"), count(status="passed", state="pa")) == (5, 4)
    assert count(issue_area="minimum-wage") == 0
    with pytest.raises(BadInput, match="not a cursor"):
        staff.list_ordinances(after="garbage")


def test_ordinances_of_many_sponsors_come_back_in_one_call_in_the_order_asked(toolkits, staff):
    ann, bob, cy = "mem_000000000000000a", "mem_000000000000000b", "mem_000000000000000c"
    made = [staff.record_ordinance(ordinance_data(
        f"ocd-division/country:us/state:pa/place:town_{i:02d}", sponsor_ids=sponsors))
        for i, sponsors in enumerate([[ann], [ann, bob], [bob], [ann]])]
    jurisdictions = lambda ordinances: [o["jurisdiction"][-7:] for o in ordinances]  # noqa: E731
    by_sponsor = staff.ordinances_of("sponsor_id", [bob, cy, ann])
    assert [jurisdictions(group) for group in by_sponsor] == [
        ["town_01", "town_02"], [], ["town_00", "town_01", "town_03"]]
    assert staff.ordinances_of("sponsor_id", [ann], limit=2)[0] == [made[0], made[1]]
    with pytest.raises(BadInput, match="key 'state' is not allowed"):
        staff.ordinances_of("state", ["pa"])


def test_compare_provisions_side_by_side(toolkits, staff):
    sea = staff.record_ordinance(ordinance_data(SEATTLE, "minimum-wage", "Minimum wage ordinance",
                                                       provisions={"wage_usd": 15, "phase_in_year": 2021}))
    sf = staff.record_ordinance(ordinance_data(SF, "minimum-wage", "Minimum wage ordinance",
                                                      provisions={"wage_usd": 15}))
    table = staff.compare_provisions("minimum-wage")
    assert "wage_usd" in table["fields"] and "effective_date" in table["fields"]
    assert [r["ordinance_id"] for r in table["rows"]] == [sf["id"], sea["id"]]
    assert table["rows"][1]["provisions"] == {"wage_usd": 15, "phase_in_year": 2021}
    assert [r["ordinance_id"] for r in staff.compare_provisions("minimum-wage", [sea["id"]])["rows"]] == [
        sea["id"]]
    with pytest.raises(BadInput, match="not on paid-sick-leave"):
        staff.compare_provisions("paid-sick-leave", [sea["id"]])


def test_preemption_history_and_events(toolkits, staff, tap):
    base = {"state": "al", "issue_area": "minimum-wage", "scope": "full", "statute": "Act 2016-18", "year": 2016}
    first = staff.set_preemption(base)
    again = staff.set_preemption(base)
    changed = staff.set_preemption({**base, "voids_existing_laws": True})
    assert (first["version"], again["version"], changed["version"]) == (1, 1, 2)
    assert [h["voids_existing_laws"] for h in changed["history"]] == [None, True]
    assert staff.list_preemptions(state="al")[0]["voids_existing_laws"] is True
    assert staff.list_preemptions(issue_area="paid-sick-leave") == []
    events = tap.wait_for(2)
    assert [(e["type"], e["subject"], e["data"]["version"]) for e in events] == [
        ("preemption.changed", "preemption/al/minimum-wage", 1), ("preemption.changed", "preemption/al/minimum-wage", 2)]
    assert all(shaped_as_catalogued(e) for e in events)


def test_status_definitions_cover_every_status(toolkits, staff):
    definitions = staff.status_definitions()
    assert {d["status"] for d in definitions} >= {"introduced", "struck_down", "reinstated", "repealed"}
    assert all(d["meaning"] for d in definitions)


@pytest.mark.parametrize("call, args, fragment", [
    ("get_ordinance", ("ord_nope",), "not a valid id"),
    ("record_action", ("42", action("passed", "2015-08-03")), "not a valid id"),
    ("record_ordinance", (ordinance_data(jurisdiction="Pittsburgh, PA"),), "not an Open Civic Data division id"),
    ("record_ordinance", (ordinance_data(jurisdiction="ocd-division/country:us/state:pa/place:"),), "malformed"),
    ("record_ordinance", (ordinance_data(issue_area="free-ponies"),), "not a known issue area"),
    ("record_ordinance", (ordinance_data(actions=[action("passed", "2015-13-01")]),), "is not a date"),
    ("record_ordinance", (ordinance_data(provisions={"wage_usd": 15}),), "unknown fields ['wage_usd']"),
    ("record_ordinance", (ordinance_data(toolkit_slug="missing"),), "names no toolkit"),
    ("record_ordinance", (ordinance_data(actions=[action("reinstated", "2015-01-01")]),), "allowed next actions"),
    ("create_toolkit", (toolkit_data(issue_area="free-ponies"),), "not a known issue area"),
    ("create_toolkit", (toolkit_data(slug="Paid Sick!"),), "not a toolkit slug"),
    ("create_toolkit", (toolkit_data(resources=[{"title": "x", "url": "javascript:1"}]),), "not an http(s) URL"),
    ("set_preemption", ({"state": "pennsylvania", "issue_area": "minimum-wage", "scope": "full"},), "not a state"),
    ("set_preemption", ({"state": "pa", "issue_area": "minimum-wage", "scope": "total"},), "scope 'total'"),
    ("set_preemption", ({"state": "pa", "issue_area": "minimum-wage", "scope": "full", "year": "1996"},),
     "must be a year"),
    ("can_pass", ("pittsburgh", "minimum-wage"), "not an Open Civic Data division id"),
    ("can_pass", (PGH, "wages"), "not a known issue area"),
    ("spread", ("wages",), "not a known issue area"),
    ("list_ordinances", ({"status": "alive"},), "filter.status 'alive'"),
    ("list_ordinances", ({"colour": "red"},), "unknown fields ['colour']"),
    ("list_toolkits", ("free-ponies",), "not a known issue area"),
    ("list_toolkits", (None, "deleted"), "status 'deleted' is not allowed"),
    ("get_toolkit", ("paid-sick-days", "1"), "version must be a whole number"),
    ("list_preemptions", ("Pennsylvania",), "not a state"),
    ("compare_provisions", ("minimum-wage", ["ord_1"]), "not a valid id"),
    ("ordinances_of", ([], ["paid-sick-days"]), "key [] is not allowed"),  # found by the fuzz: was INTERNAL
    ("create_toolkit", (toolkit_data(slug="paid-sick-days\n"),), "not a toolkit slug"),
    ("get_toolkit", ("paid-sick-days\n",), "not a toolkit slug"),
    ("create_toolkit", (toolkit_data(title="Paid\nSick Days"),), "title contains the control character"),
    ("create_toolkit", (toolkit_data(resources=[{"title": "A\tguide", "url": "https://example.org/"}]),),
     "resources[0].title contains the control character"),
    ("record_ordinance", (ordinance_data(title="Sick days\r\nBcc: x@example.org"),), "one line"),
    ("create_toolkit", (toolkit_data(summary="Sick \ud800 days"),), "summary is not valid Unicode text"),  # was INTERNAL
    ("record_ordinance", (ordinance_data(jurisdiction=PGH + "\n"),), "malformed"),
    ("record_ordinance", (ordinance_data(sponsor_ids=["mem_0123456789abcdef\n"]),), "not a valid id"),
    ("list_ordinances", ({"jurisdiction": PGH + "/place:x" * 40},), "at most 300"),
    ("list_toolkits", (None, None, 20, forged({"v": 1, "k": "toolkits._id", "t": "ss", "p": [{"$gt": ""}, "x"]})),
     "not a cursor this server gave"),
    ("list_toolkits", (None, None, 20, forged(["paid-sick-days", "paid-sick-days"])), "not a cursor this server gave"),
    ("list_ordinances", (None, 20, encode([PGH, "ord_0123456789abcdef"], "toolkits._id")),
     "not a cursor this server gave"),
    ("set_preemption", ({"state": "pa", "issue_area": "minimum-wage", "scope": "full", "statute": "43 P.S.\n1"},),
     "statute contains the control character"),
    ("record_action", ("ord_0123456789abcdef", {"type": "passed", "date": "2015-08-03", "when": "now"}),
     "unknown fields ['when']"),
])
def test_bad_input_is_refused_clearly_and_changes_nothing(toolkits, staff, database, call, args, fragment):
    with pytest.raises(BadInput) as err:
        getattr(staff, call)(*args)
    assert fragment in str(err.value)
    db = database("toolkits")
    assert [db[c].count_documents({}) for c in ("toolkits", "ordinances", "preemptions")] == [0, 0, 0]


def test_unknown_ids_are_not_found_and_bad_actions_change_nothing(toolkits, staff):
    with pytest.raises(NotFound):
        staff.get_ordinance("ord_0123456789abcdef")
    with pytest.raises(NotFound):
        staff.get_toolkit("no-such-toolkit")
    with pytest.raises(NotFound):
        staff.record_action("ord_0123456789abcdef", action("passed", "2015-08-03"))
    o = staff.record_ordinance(ordinance_data())
    with pytest.raises(BadInput, match="is not a date"):
        staff.record_action(o["id"], action("passed", "yesterday"))
    assert staff.get_ordinance(o["id"]) == o
    with pytest.raises(Conflict, match="already has an ordinance titled"):
        staff.record_ordinance(ordinance_data(title="paid  sick days act"))


# -- who sees and changes what --------------------------------------------------------------

OTHERS = [None, MEMBER, PARTNER]


@pytest.mark.parametrize("caller", OTHERS)
def test_a_draft_is_hidden_from_all_but_staff_as_if_it_did_not_exist(toolkits, rpc, staff, caller):
    staff.create_toolkit(toolkit_data(legal_notes="Privileged and confidential."))
    other = As(rpc.toolkits, caller)
    with pytest.raises(NotFound) as hidden:
        other.get_toolkit("paid-sick-days")
    with pytest.raises(NotFound) as missing:
        other.get_toolkit("no-such-toolkit")
    assert str(hidden.value) == str(missing.value).replace("no-such-toolkit", "paid-sick-days")
    with pytest.raises(NotFound, match="^no toolkit 'paid-sick-days'$"):
        other.get_toolkit("paid-sick-days", version=1)
    assert other.get_toolkits(["paid-sick-days"]) == [None]
    assert other.list_toolkits()["total_count"] == 0
    with pytest.raises(Forbidden, match="STAFF keys only"):
        other.list_toolkits(status="draft")
    assert staff.get_toolkit("paid-sick-days")["legal_notes"] == "Privileged and confidential."
    assert staff.list_toolkits()["total_count"] == staff.list_toolkits(status="draft")["total_count"] == 1


@pytest.mark.parametrize("caller", OTHERS)
def test_a_toolkit_archived_before_it_was_published_stays_hidden_with_its_legal_notes(toolkits, rpc, staff, caller):
    staff.create_toolkit(toolkit_data(slug="never-out", legal_notes="Privileged and confidential."))
    staff.archive_toolkit("never-out")
    staff.create_toolkit(toolkit_data(slug="was-out"))
    staff.publish_toolkit("was-out")
    staff.archive_toolkit("was-out")
    other = As(rpc.toolkits, caller)
    with pytest.raises(NotFound, match="^no toolkit 'never-out'$"):
        other.get_toolkit("never-out")
    assert other.get_toolkits(["never-out", "was-out"])[0] is None
    assert [e["node"]["slug"] for e in other.list_toolkits(status="archived")["edges"]] == ["was-out"]
    assert other.get_toolkit("was-out")["status"] == "archived"
    assert staff.get_toolkit("never-out")["legal_notes"] == "Privileged and confidential."
    assert [e["node"]["slug"] for e in staff.list_toolkits(status="archived")["edges"]] == ["never-out", "was-out"]


def test_the_public_is_the_default_caller(toolkits, rpc, staff):
    staff.create_toolkit(toolkit_data())
    assert rpc.toolkits.get_toolkits(["paid-sick-days"]) == [None]
    staff.publish_toolkit("paid-sick-days")
    staff.revise_toolkit("paid-sick-days", {"summary": "Unpublished second thoughts"})
    assert rpc.toolkits.get_toolkit("paid-sick-days")["summary"] == "Earned sick time for every worker."
    with pytest.raises(Unauthenticated, match="pending draft needs a STAFF API key"):
        rpc.toolkits.get_toolkit("paid-sick-days", draft=True)
    with pytest.raises(Forbidden, match="pending draft is for STAFF keys only"):
        rpc.toolkits.get_toolkit("paid-sick-days", draft=True, caller=MEMBER)
    assert staff.get_toolkit("paid-sick-days", draft=True)["summary"] == "Unpublished second thoughts"


WRITES = [
    ("create_toolkit", lambda o: (toolkit_data(slug="new-kit"),)),
    ("revise_toolkit", lambda o: ("paid-sick-days", {"title": "Hacked"})),
    ("publish_toolkit", lambda o: ("paid-sick-days",)),
    ("archive_toolkit", lambda o: ("paid-sick-days",)),
    ("record_ordinance", lambda o: (ordinance_data(PHL),)),
    ("record_action", lambda o: (o["id"], action("passed", "2015-08-03"))),
    ("set_preemption", lambda o: ({"state": "pa", "issue_area": "minimum-wage", "scope": "full"},)),
]


@pytest.mark.parametrize("caller, error", [(None, Unauthenticated), (MEMBER, Forbidden), (PARTNER, Forbidden)])
@pytest.mark.parametrize("method, args", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_needs_staff_and_a_refused_one_changes_nothing(toolkits, rpc, staff, snapshot, caller, error,
                                                                   method, args):
    staff.create_toolkit(toolkit_data())
    ordinance = staff.record_ordinance(ordinance_data())
    before = snapshot()
    with pytest.raises(error, match="STAFF"):
        getattr(As(rpc.toolkits, caller), method)(*args(ordinance))
    # the role is checked before the input: a refused caller learns nothing from it
    with pytest.raises(error, match="STAFF"):
        getattr(As(rpc.toolkits, caller), method)(*[{"junk": True} for _ in args(ordinance)])
    assert snapshot() == before


def test_a_malformed_caller_is_refused_clearly(toolkits, rpc):
    for caller in ("staff", {"role": "admin"}, {"role": "staff", "extra": 1}, {"role": "public", "owner_id": "mem_0123456789abcdef"}):
        with pytest.raises(BadInput, match="caller"):
            rpc.toolkits.list_toolkits(caller=caller)
        with pytest.raises(BadInput, match="caller"):
            rpc.toolkits.spread("minimum-wage", caller=caller)


def test_toolkit_pages_run_through_the_checked_cursor(toolkits, rpc, staff):
    for i in range(5):
        staff.create_toolkit(toolkit_data(slug=f"kit-{i}"))
        staff.publish_toolkit(f"kit-{i}")
    seen, after = [], None
    while True:
        page = rpc.toolkits.list_toolkits(first=2, after=after)
        seen += [e["node"]["slug"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == [f"kit-{i}" for i in range(5)]
    with pytest.raises(BadInput, match="not a cursor this server gave"):
        rpc.toolkits.list_ordinances(after=after)  # a toolkit cursor is not an ordinance one
