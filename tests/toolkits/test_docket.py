"""The litigation docket and the preemption bill watch through the use cases (in-memory
repository): a ruling recorded on every challenged ordinance (all or none), case.ruled
and preemption_bill.advanced with the sponsors they concern, and hostile input refused."""
import pytest

from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from services.toolkits import bills
from tests.support import MEMBER, PARTNER
from tests.toolkits.test_usecases import Desk, action, ordinance_data, repo, staff  # noqa: F401 (fixtures)

BHAM = "ocd-division/country:us/state:al/place:birmingham"
MONTGOMERY = "ocd-division/country:us/state:al/place:montgomery"
SPONSOR_A, SPONSOR_B, SPONSOR_C = "mem_00000000000000aa", "mem_00000000000000bb", "mem_00000000000000cc"


@pytest.fixture
def ordinances(staff):
    passed = [action("passed", "2015-08-18"), action("preempted", "2016-02-25")]
    return [staff.record_ordinance(ordinance_data(jurisdiction=BHAM, issue_area="minimum-wage", title="Minimum wage",
                                                  sponsor_ids=[SPONSOR_A], actions=passed)),
            staff.record_ordinance(ordinance_data(jurisdiction=MONTGOMERY, issue_area="minimum-wage",
                                                  title="Minimum wage", sponsor_ids=[SPONSOR_B], actions=passed)),
            staff.record_ordinance(ordinance_data(jurisdiction=BHAM, issue_area="paid-sick-leave",
                                                  title="Sick days", sponsor_ids=[SPONSOR_C]))]


def case_data(**extra):
    return {"slug": "lewis-v-bentley", "title": "Lewis v. Bentley", "court": "U.S. District Court, N.D. Ala.",
            "docket_number": "2:16-cv-690", "legal_theories": ["equal-protection", "state-preemption"],
            "parties": [{"name": "Marnika Lewis", "side": "plaintiff"}, {"name": "Robert Bentley", "side": "defendant"}],
            "challenged": {"ordinances": [{"jurisdiction": BHAM, "issue_area": "minimum-wage"},
                                          {"jurisdiction": MONTGOMERY, "issue_area": "minimum-wage"}],
                           "preemptions": [{"state": "al", "issue_area": "minimum-wage"}]},
            "filings": [{"date": "2016-04-28", "kind": "complaint", "title": "Complaint",
                         "source_url": "https://example.org/complaint"}],
            "source_url": "https://example.org/case", **extra}


def ruling(**extra):
    return {"date": "2018-07-27", "court": "U.S. Court of Appeals, 11th Cir.", "outcome": "reversed",
            "summary": "The equal protection claim may go ahead.", "source_url": "https://example.org/ruling",
            "ordinance_action": "challenged", **extra}


def test_a_ruling_records_its_action_on_every_challenged_ordinance_and_emits_case_ruled(repo, staff, ordinances):
    staff.record_case(case_data())
    result = staff.record_ruling("lewis-v-bentley", ruling())
    bham, montgomery, sick = ordinances
    assert {o["id"]: o["status"] for o in result["ordinances"]} == {bham["id"]: "challenged",
                                                                   montgomery["id"]: "challenged"}
    assert staff.get_ordinance(sick["id"])["status"] == "recorded"  # another issue: not challenged
    [event] = [e for e in repo.relay() if e["type"] == "case.ruled"]
    assert event["subject"] == "case/lewis-v-bentley"
    data = event["data"]
    assert (data["outcome"], data["ordinance_action"], data["sponsor_ids"], data["states"]) == \
        ("reversed", "challenged", [SPONSOR_A, SPONSOR_B], ["al"])
    assert data["ordinance_ids"] == sorted([bham["id"], montgomery["id"]])
    assert data["legal_theories"] == ["equal-protection", "state-preemption"]
    assert "Lewis v. Bentley" in staff.get_ordinance(bham["id"])["actions"][-1]["note"]


def test_the_same_ruling_twice_is_one(repo, staff, ordinances):
    staff.record_case(case_data())
    staff.record_ruling("lewis-v-bentley", ruling())
    repo.relay()
    again = staff.record_ruling("lewis-v-bentley", ruling())
    assert len(again["case"]["rulings"]) == 1 and repo.relay() == []


def test_a_ruling_that_cannot_follow_one_ordinance_changes_none(repo, staff, ordinances):
    staff.record_case(case_data())
    before = repo.snapshot()
    with pytest.raises(Conflict, match="cannot follow"):
        staff.record_ruling("lewis-v-bentley", ruling(ordinance_action="struck_down"))  # struck down from preempted
    assert repo.snapshot() == before


def test_cases_filter_by_legal_theory_and_ordinance(staff, ordinances):
    staff.record_case(case_data())
    staff.record_case(case_data(slug="other-case", legal_theories=["home-rule-limits"],
                                challenged={"ordinances": [{"ordinance_id": ordinances[2]["id"]}]}))
    def slugs(f):
        return [e["node"]["slug"] for e in staff.list_cases(f, 20, None)["edges"]]
    assert slugs({"legal_theory": "equal-protection"}) == ["lewis-v-bentley"]
    assert slugs({"ordinance_id": ordinances[2]["id"]}) == ["other-case"]
    assert slugs({"state": "al"}) == ["lewis-v-bentley", "other-case"]
    assert staff.get_cases(["other-case", "no-case"]) == [staff.get_case("other-case"), None]


@pytest.mark.parametrize("change, message", [
    ({"slug": "Bad Slug"}, "not a toolkit slug"),
    ({"legal_theories": ["astrology"]}, "not allowed"),
    ({"challenged": {}}, "must name the ordinances"),
    ({"challenged": {"ordinances": [{"ordinance_id": "ord_x"}]}}, "not a valid id"),
    ({"filings": [{"date": "2016-02-30", "kind": "complaint"}]}, "not a date"),
    ({"title": "Lewis\nv. Bentley"}, "control character"),
    ({"docket_number": "x" * 301}, "the limit is 300"),
    ({"parties": [{"name": "A", "side": "judge"}]}, "not allowed"),
    ({"notes": "x" * 5001}, "the limit is 5000"),
])
def test_hostile_cases_are_refused_and_change_nothing(repo, staff, change, message):
    before = repo.snapshot()
    with pytest.raises(BadInput, match=message):
        staff.record_case(case_data(**change))
    assert repo.snapshot() == before


def test_unknown_cases_and_ordinances_are_not_found_worded_as_missing(staff):
    with pytest.raises(NotFound, match="no case 'no-such-case'"):
        staff.record_ruling("no-such-case", ruling())
    with pytest.raises(NotFound, match="no ordinance 'ord_0123456789abcdef'"):
        staff.record_case(case_data(challenged={"ordinances": [{"ordinance_id": "ord_0123456789abcdef"}]}))
    with pytest.raises(Conflict, match="already on the docket"):
        staff.record_case(case_data())
        staff.record_case(case_data())


@pytest.mark.parametrize("caller, error", [(None, Unauthenticated), (MEMBER, Forbidden), (PARTNER, Forbidden)])
def test_only_staff_write_the_docket_and_the_watch(repo, staff, caller, error):
    other = Desk(repo, caller)
    for write in (lambda: other.record_case({"junk": True}), lambda: other.record_ruling("x", {}),
                  lambda: other.set_bill({"junk": True})):
        with pytest.raises(error):
            write()


# -- the bill watch ------------------------------------------------------------------------

def bill_data(**extra):
    return {"state": "al", "bill_id": "HB 174", "session": "2016rs", "title": "Uniform minimum wage",
            "issue_areas": ["minimum-wage"], "source_url": "https://example.org/hb174",
            "would_void": [{"jurisdiction": BHAM, "issue_area": "minimum-wage"}],
            "actions": [{"date": "2016-02-02", "description": "Introduced", "classification": ["introduction"]}],
            **extra}


PASSED_HOUSE = {"date": "2016-02-16", "description": "Passed the House", "classification": ["passage"]}
SIGNED = {"date": "2016-02-25", "description": "Signed by the governor", "classification": ["executive-signature"]}


def test_a_bill_advancing_names_the_sponsors_of_the_ordinances_it_would_void(repo, staff, ordinances):
    repo.relay()  # the ordinances' own events
    recorded = staff.set_bill(bill_data())
    assert (recorded["id"], recorded["status"]) == ("al/2016rs/hb-174", "introduced")
    assert repo.relay() == []  # introduced: nothing advanced yet
    staff.set_bill(bill_data(actions=bill_data()["actions"] + [PASSED_HOUSE]))
    staff.set_bill(bill_data(actions=bill_data()["actions"] + [PASSED_HOUSE]))  # the same again: nothing
    staff.set_bill(bill_data(actions=bill_data()["actions"] + [PASSED_HOUSE, SIGNED]))
    events = repo.relay()
    assert [(e["data"]["from"], e["data"]["to"]) for e in events] == [("introduced", "passed_chamber"),
                                                                      ("passed_chamber", "signed")]
    assert events[-1]["data"]["sponsor_ids"] == [SPONSOR_A]  # Birmingham's, not Montgomery's or the sick days'
    assert events[-1]["data"]["ordinance_ids"] == [ordinances[0]["id"]]
    assert events[-1]["subject"] == "preemption_bill/al/2016rs/hb-174"
    assert [e["node"]["id"] for e in staff.list_bills({"ordinance_id": ordinances[0]["id"]}, 20, None)["edges"]] == \
        ["al/2016rs/hb-174"]


def test_status_follows_open_states_classifications():
    def status(*kinds):
        return bills.status_from_actions([{"classification": list(k)} for k in kinds])
    assert status(["introduction"]) == "introduced"
    assert status(["introduction"], ["passage"]) == "passed_chamber"
    assert status(["passage"], ["passage"]) == "passed"
    assert status(["passage"], ["passage"], ["executive-veto"]) == "vetoed"
    assert status(["passage"], ["failure"]) == "failed"
    assert status(["became-law"]) == "signed"


@pytest.mark.parametrize("change, message", [
    ({"state": "zz"}, "state"),
    ({"bill_id": "HB\t174"}, "control character"),
    ({"issue_areas": []}, "at least one issue area"),
    ({"status": "law"}, "not allowed"),
    ({"actions": [{"date": "tomorrow", "description": "x"}]}, "not a date"),
    ({"actions": [{"date": "2016-01-01", "description": "x", "classification": ["magic"]}]}, "not allowed"),
    ({"would_void": [{"jurisdiction": "ocd-division/country:us/state:oh/place:columbus",
                      "issue_area": "minimum-wage"}]}, "outside AL"),
    ({"title": "x" * 1001}, "the limit is 1000"),
    ({"bill_id": "!!!"}, "letters or digits"),
])
def test_hostile_bills_are_refused_and_change_nothing(repo, staff, change, message):
    before = repo.snapshot()
    with pytest.raises(BadInput, match=message):
        staff.set_bill(bill_data(**change))
    assert repo.snapshot() == before


def test_unknown_bills_are_not_found_and_bad_ids_refused(staff):
    with pytest.raises(NotFound, match="no preemption bill 'oh/2025/hb-1'"):
        staff.get_bill("oh/2025/hb-1")
    with pytest.raises(BadInput, match="not a preemption bill id"):
        staff.get_bill("../../etc/passwd")


def test_can_pass_gives_a_sourced_verdict_and_the_pending_bills(staff, ordinances):
    source = "https://example.org/act-2016-18"
    staff.set_preemption({"state": "al", "issue_area": "minimum-wage", "scope": "full", "statute": "Act 2016-18",
                          "year": 2016, "voids_existing_laws": True, "source_url": source})
    staff.set_preemption({"state": "al", "issue_area": "paid-sick-leave", "scope": "partial",
                          "statute": "Act 2016-18", "year": 2016, "source_url": source})
    staff.set_bill(bill_data())
    staff.set_bill(bill_data(bill_id="HB 1", status="dead"))
    check = staff.can_pass(BHAM, "minimum-wage")
    assert check["verdict"] == "preempted"
    assert check["source"] == {"preemption_id": "al/minimum-wage", "state": "al", "issue_area": "minimum-wage",
                               "scope": "full", "statute": "Act 2016-18", "year": 2016, "source_url": source,
                               "voids_existing_laws": True}
    assert [b["id"] for b in check["pending_bills"]] == ["al/2016rs/hb-174"]  # not the dead one
    assert staff.can_pass(BHAM, "paid-sick-leave")["verdict"] == "partially_preempted"
    unknown = staff.can_pass(BHAM, "fair-scheduling")
    assert (unknown["verdict"], unknown["source"]) == ("unknown", None)
    assert staff.can_pass("ocd-division/country:us/state:al", "minimum-wage")["source"] is None
