"""The toolkits use cases against the in-memory repository: who may do what, drafts
hidden, refused calls changing nothing, the events each write queues, the preemption
upsert and compare_provisions. No broker, no store: microseconds each."""
import pytest

from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from services.toolkits import usecases
from tests.support import MEMBER, PARTNER, PGH, PHL, STAFF
from tests.toolkits.memory import InMemoryToolkitsRepository

SEATTLE = "ocd-division/country:us/state:wa/place:seattle"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
OTHERS = [None, MEMBER, PARTNER]


class Desk:
    """The use cases as one caller sees them: ``desk.create_toolkit(data)``."""

    def __init__(self, repo, caller):
        self.repo, self.caller = repo, Caller.of(caller)

    def __getattr__(self, name):
        return lambda *args: getattr(usecases, name)(self.repo, self.caller, *args)


@pytest.fixture
def repo():
    return InMemoryToolkitsRepository()


@pytest.fixture
def staff(repo):
    return Desk(repo, STAFF)


def toolkit_data(**extra):
    return {"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
            "summary": "Earned sick time for every worker.", **extra}


def ordinance_data(jurisdiction=PGH, issue_area="paid-sick-leave", title="Paid Sick Days Act", **extra):
    return {"title": title, "jurisdiction": jurisdiction, "issue_area": issue_area, **extra}


def action(type_, date, source_url=None):
    return {"type": type_, "date": date, "source_url": source_url, "note": None}


def kinds(events):
    return [(e["type"], e["subject"], e["data"]["version"]) for e in events]


# -- who may ----------------------------------------------------------------------------------

WRITES = [
    ("create_toolkit", lambda o: (toolkit_data(slug="new-kit"),)),
    ("revise_toolkit", lambda o: ("paid-sick-days", {"title": "Hacked"})),
    ("publish_toolkit", lambda o: ("paid-sick-days", None)),
    ("archive_toolkit", lambda o: ("paid-sick-days",)),
    ("record_ordinance", lambda o: (ordinance_data(PHL),)),
    ("record_action", lambda o: (o["id"], action("passed", "2015-08-03"))),
    ("set_preemption", lambda o: ({"state": "pa", "issue_area": "minimum-wage", "scope": "full"},)),
]


@pytest.mark.parametrize("caller, error", [(None, Unauthenticated), (MEMBER, Forbidden), (PARTNER, Forbidden)])
@pytest.mark.parametrize("method, args", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_needs_staff_before_its_input_and_a_refused_one_changes_and_queues_nothing(
        repo, staff, caller, error, method, args):
    staff.create_toolkit(toolkit_data())
    ordinance = staff.record_ordinance(ordinance_data())
    repo.relay()
    before = repo.snapshot()
    with pytest.raises(error, match="STAFF"):
        getattr(Desk(repo, caller), method)(*args(ordinance))
    with pytest.raises(error, match="STAFF"):
        getattr(Desk(repo, caller), method)(*[{"junk": True} for _ in args(ordinance)])
    assert repo.snapshot() == before and repo.relay() == []


@pytest.mark.parametrize("caller", OTHERS)
def test_a_draft_is_hidden_from_all_but_staff_as_if_it_did_not_exist(repo, staff, caller):
    staff.create_toolkit(toolkit_data(legal_notes="Privileged and confidential."))
    other = Desk(repo, caller)
    with pytest.raises(NotFound, match="^no toolkit 'paid-sick-days'$"):
        other.get_toolkit("paid-sick-days")
    with pytest.raises(NotFound, match="^no toolkit 'paid-sick-days'$"):
        other.get_toolkit("paid-sick-days", 1)
    assert other.get_toolkits(["paid-sick-days"]) == [None]
    assert other.list_toolkits()["total_count"] == 0
    with pytest.raises(Forbidden, match="STAFF keys only"):
        other.list_toolkits(None, "draft")
    assert staff.get_toolkit("paid-sick-days")["legal_notes"] == "Privileged and confidential."
    assert staff.list_toolkits()["total_count"] == staff.list_toolkits(None, "draft")["total_count"] == 1


@pytest.mark.parametrize("caller", OTHERS)
def test_once_published_everyone_sees_it_archived_or_not_but_only_staff_the_pending_draft(repo, staff, caller):
    staff.create_toolkit(toolkit_data())
    staff.publish_toolkit("paid-sick-days", "v1")
    staff.revise_toolkit("paid-sick-days", {"summary": "Unpublished second thoughts"})
    other = Desk(repo, caller)
    assert other.get_toolkit("paid-sick-days")["summary"] == "Earned sick time for every worker."
    with pytest.raises((Unauthenticated, Forbidden), match="pending draft"):
        other.get_toolkit("paid-sick-days", None, True)
    staff.archive_toolkit("paid-sick-days")
    assert [e["node"]["slug"] for e in other.list_toolkits(None, "archived")["edges"]] == ["paid-sick-days"]
    assert staff.get_toolkit("paid-sick-days", None, True)["summary"] == "Unpublished second thoughts"


# -- refused input ----------------------------------------------------------------------------

@pytest.mark.parametrize("call, args, fragment", [
    ("get_ordinance", ("ord_nope",), "not a valid id"),
    ("record_ordinance", (ordinance_data(jurisdiction="Pittsburgh, PA"),), "not an Open Civic Data division id"),
    ("record_ordinance", (ordinance_data(provisions={"wage_usd": 15}),), "unknown fields ['wage_usd']"),
    ("record_ordinance", (ordinance_data(toolkit_slug="missing"),), "names no toolkit"),
    ("record_ordinance", (ordinance_data(actions=[action("reinstated", "2015-01-01")]),), "allowed next actions"),
    ("create_toolkit", (toolkit_data(slug="Paid Sick!"),), "not a toolkit slug"),
    ("set_preemption", ({"state": "pa", "issue_area": "minimum-wage", "scope": "total"},), "scope 'total'"),
    ("get_toolkit", ("paid-sick-days", "1"), "version must be a whole number"),
    ("get_toolkit", ("paid-sick-days", None, "yes"), "draft must be true or false"),
    ("list_ordinances", ({"colour": "red"},), "unknown fields ['colour']"),
    ("list_toolkits", (None, None, 20, "garbage"), "not a cursor"),
    ("ordinances_of", ([], ["paid-sick-days"]), "key [] is not allowed"),
    ("compare_provisions", ("minimum-wage", ["ord_1"]), "not a valid id"),
    ("list_preemptions", ("Pennsylvania",), "not a state"),
])
def test_bad_input_is_refused_clearly_and_changes_nothing(repo, staff, call, args, fragment):
    with pytest.raises(BadInput) as err:
        getattr(staff, call)(*args)
    assert fragment in str(err.value)
    assert repo.snapshot() == {} and repo.relay() == []


def test_a_second_ordinance_for_the_same_measure_is_a_conflict_naming_the_first(repo, staff):
    first = staff.record_ordinance(ordinance_data())
    before = repo.snapshot()
    with pytest.raises(Conflict, match=f"already has an ordinance titled 'paid  sick days act'.*{first['id']}"):
        staff.record_ordinance(ordinance_data(title="paid  sick days act"))
    assert repo.snapshot() == before


def test_an_illegal_action_is_refused_and_queues_nothing(repo, staff):
    o = staff.record_ordinance(ordinance_data(actions=[action("drafted", "2015-01-01")]))
    repo.relay()
    with pytest.raises(Conflict, match="allowed next actions: introduced, withdrawn, amended"):
        staff.record_action(o["id"], action("vetoed", "2015-02-01"))
    assert staff.get_ordinance(o["id"]) == o and repo.relay() == []


# -- what each write queues -------------------------------------------------------------------

def test_toolkit_events_are_queued_only_once_something_is_published(repo, staff):
    staff.create_toolkit(toolkit_data())
    staff.revise_toolkit("paid-sick-days", {"summary": "Still a draft"})
    assert repo.relay() == []
    staff.publish_toolkit("paid-sick-days", "v1")
    staff.publish_toolkit("paid-sick-days", "v1 again")  # already published: nothing
    staff.revise_toolkit("paid-sick-days", {"title": "Paid Sick Days (2nd ed.)"})
    staff.publish_toolkit("paid-sick-days", None)
    staff.archive_toolkit("paid-sick-days")
    events = repo.relay()
    assert kinds(events) == [("toolkit.published", "toolkit/paid-sick-days", 3),
                             ("toolkit.revised", "toolkit/paid-sick-days", 4),
                             ("toolkit.published", "toolkit/paid-sick-days", 5),
                             ("toolkit.archived", "toolkit/paid-sick-days", 6)]
    # each shows the latest published version (never the draft), by its number
    assert [e["data"]["toolkit_version"] for e in events] == [1, 1, 2, 2]
    assert [e["data"]["title"] for e in events[:3]] == ["Paid Sick Days", "Paid Sick Days", "Paid Sick Days (2nd ed.)"]
    assert [e["data"]["status"] for e in events] == ["published"] * 3 + ["archived"]


def test_ordinance_events_follow_the_status_and_the_same_action_twice_is_one(repo, staff):
    o = staff.record_ordinance(ordinance_data(actions=[action("introduced", "2015-05-05")]))
    staff.record_action(o["id"], action("passed", "2015-08-03", "https://example.org/vote"))
    again = staff.record_action(o["id"], action("passed", "2015-08-03", "https://example.org/vote"))
    staff.record_action(o["id"], action("amended", "2015-08-04"))  # the status stays: amended, not changed
    subject = f"ordinance/{o['id']}"
    assert again["version"] == 2
    assert kinds(repo.relay()) == [("ordinance.recorded", subject, 1), ("ordinance.status_changed", subject, 2),
                                   ("ordinance.amended", subject, 3)]


# -- preemption -------------------------------------------------------------------------------

def test_setting_a_preemption_inserts_then_changes_and_the_same_record_again_changes_nothing(repo, staff):
    base = {"state": "al", "issue_area": "minimum-wage", "scope": "full", "statute": "Act 2016-18", "year": 2016}
    first = staff.set_preemption(base)
    again = staff.set_preemption(base)
    changed = staff.set_preemption({**base, "voids_existing_laws": True})
    assert (first["id"], first["version"], again, changed["version"]) == ("al/minimum-wage", 1, first, 2)
    assert [h["voids_existing_laws"] for h in changed["history"]] == [None, True]
    assert kinds(repo.relay()) == [("preemption.changed", "preemption/al/minimum-wage", 1),
                                   ("preemption.changed", "preemption/al/minimum-wage", 2)]
    assert staff.list_preemptions("al") == [changed] and staff.list_preemptions(None, "paid-sick-leave") == []


def test_a_preemption_recorded_by_someone_else_meanwhile_is_changed_not_refused(repo, staff):
    base = {"state": "al", "issue_area": "minimum-wage", "scope": "full"}
    Desk(repo, STAFF).set_preemption(base)
    lookup = repo.lookup
    repo.lookup = lambda collection, key: None  # this call read before the other one wrote
    try:
        record = staff.set_preemption({**base, "scope": "partial"})
    finally:
        repo.lookup = lookup
    assert (record["version"], record["scope"], len(record["history"])) == (2, "partial", 2)


# -- compare_provisions -----------------------------------------------------------------------

def test_compare_provisions_lists_all_by_place_or_the_ones_asked_in_order(repo, staff):
    sea = staff.record_ordinance(ordinance_data(SEATTLE, "minimum-wage", "Minimum wage ordinance",
                                                provisions={"wage_usd": 15, "phase_in_year": 2021}))
    sf = staff.record_ordinance(ordinance_data(SF, "minimum-wage", "Minimum wage ordinance",
                                               provisions={"wage_usd": 15}))
    staff.record_ordinance(ordinance_data(PGH))
    table = staff.compare_provisions("minimum-wage")
    assert table["fields"] == [d["name"] for d in table["definitions"]] and "effective_date" in table["fields"]
    assert [r["ordinance_id"] for r in table["rows"]] == [sf["id"], sea["id"]]
    assert table["rows"][1] == {"ordinance_id": sea["id"], "jurisdiction": SEATTLE, "title": "Minimum wage ordinance",
                                "status": "recorded", "provisions": {"wage_usd": 15, "phase_in_year": 2021}}
    asked = staff.compare_provisions("minimum-wage", [sea["id"], sf["id"]])
    assert [r["ordinance_id"] for r in asked["rows"]] == [sea["id"], sf["id"]]
    with pytest.raises(NotFound, match=r"no ordinances \['ord_0123456789abcdef'\]"):
        staff.compare_provisions("minimum-wage", [sea["id"], "ord_0123456789abcdef"])
    with pytest.raises(BadInput, match="not on paid-sick-leave"):
        staff.compare_provisions("paid-sick-leave", [sea["id"]])


def test_can_pass_names_the_latest_published_toolkit_and_peers_in_effect(repo, staff):
    staff.create_toolkit(toolkit_data())
    staff.publish_toolkit("paid-sick-days", None)
    staff.create_toolkit(toolkit_data(slug="draft-only"))
    phl = staff.record_ordinance(ordinance_data(PHL, actions=[action("passed", "2015-02-12")]))
    staff.record_ordinance(ordinance_data(PGH, actions=[action("passed", "2015-08-03")]))
    result = staff.can_pass(PGH, "paid-sick-leave")
    assert (result["verdict"], result["toolkit_slug"]) == ("unknown", "paid-sick-days")
    assert [p["id"] for p in result["peers"]] == [phl["id"]]
