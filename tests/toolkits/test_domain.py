"""The toolkits service's rules without I/O: the action table, status derivation,
provisions, toolkit versions, verdicts and orderings."""
import datetime as dt

import pytest

from clearinghouse.errors import BadInput, Conflict, NotFound
from clearinghouse.events import CATALOG
from services.toolkits import actions, domain, provisions

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
PHL = "ocd-division/country:us/state:pa/place:philadelphia"
SEATTLE = "ocd-division/country:us/state:wa/place:seattle"

# The table as the design reads it, written out here on its own so that a change to
# actions.NEXT has to be made on purpose in both places. status: actions that may follow.
EXPECTED = """
recorded:          drafted introduced referred committee_passed passed failed withdrawn signed enacted effective
drafted:           introduced withdrawn amended
introduced:        referred committee_passed passed failed withdrawn amended
referred:          referred committee_passed passed failed withdrawn amended
committee_passed:  referred committee_passed passed failed withdrawn amended
passed:            vetoed signed enacted effective challenged enjoined preempted amended repealed
failed:            drafted introduced passed
withdrawn:         drafted introduced
vetoed:            veto_overridden failed introduced
veto_overridden:   enacted effective challenged enjoined preempted amended repealed
signed:            enacted effective challenged enjoined preempted amended repealed
enacted:           effective challenged enjoined preempted amended repealed
effective:         challenged enjoined preempted amended repealed
challenged:        enjoined struck_down effective reinstated appealed preempted amended repealed
enjoined:          struck_down reinstated appealed preempted amended repealed
struck_down:       appealed repealed
appealed:          struck_down reinstated effective enjoined preempted repealed
reinstated:        effective challenged enjoined appealed preempted amended repealed
preempted:         preemption_lifted challenged repealed
preemption_lifted: enacted effective reinstated challenged preempted amended repealed
repealed:
"""
LEGAL = {line.split(":")[0]: set(line.split(":")[1].split()) for line in EXPECTED.strip().splitlines()}

# A way to bring an ordinance to each status, oldest action first.
PATHS = {
    "recorded": [],
    "drafted": ["drafted"],
    "introduced": ["introduced"],
    "referred": ["introduced", "referred"],
    "committee_passed": ["introduced", "referred", "committee_passed"],
    "passed": ["introduced", "passed"],
    "failed": ["introduced", "failed"],
    "withdrawn": ["introduced", "withdrawn"],
    "vetoed": ["introduced", "passed", "vetoed"],
    "veto_overridden": ["introduced", "passed", "vetoed", "veto_overridden"],
    "signed": ["passed", "signed"],
    "enacted": ["passed", "enacted"],
    "effective": ["passed", "enacted", "effective"],
    "challenged": ["passed", "enacted", "challenged"],
    "enjoined": ["passed", "enacted", "challenged", "enjoined"],
    "struck_down": ["passed", "enacted", "challenged", "struck_down"],
    "appealed": ["passed", "enacted", "challenged", "struck_down", "appealed"],
    "reinstated": ["passed", "enacted", "challenged", "struck_down", "appealed", "reinstated"],
    "preempted": ["passed", "enacted", "preempted"],
    "preemption_lifted": ["passed", "enacted", "preempted", "preemption_lifted"],
    "repealed": ["passed", "enacted", "repealed"],
}


def day(n):
    return (dt.date(2015, 1, 1) + dt.timedelta(days=n)).isoformat()


def ordinance(path=(), **fields):
    data = {"title": "Paid Sick Days Act", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
            "actions": [{"type": t, "date": day(i)} for i, t in enumerate(path)], **fields}
    return domain.new_ordinance(domain.check_ordinance_fields(data))


def act(doc, type_, date, source_url=None):
    return domain.record_action(doc, domain.check_action({"type": type_, "date": date, "source_url": source_url}))


def test_the_table_covers_every_status_and_only_known_actions():
    assert set(LEGAL) == set(actions.STATUSES) == set(actions.NEXT) == set(PATHS)
    assert all(set(nxt) <= set(actions.ACTIONS) for nxt in actions.NEXT.values())


def test_the_shared_status_names_are_recorded_then_one_per_action_but_amended():
    assert actions.STATUSES == (actions.RECORDED,) + tuple(a for a in actions.ACTIONS if a != "amended")


@pytest.mark.parametrize("status", actions.STATUSES)
def test_each_path_reaches_its_status(status):
    doc, _ = ordinance(PATHS[status])
    assert doc["status"] == status


@pytest.mark.parametrize("status, action", [(s, a) for s in actions.STATUSES for a in actions.ACTIONS])
def test_every_transition_is_allowed_or_refused_as_the_table_says(status, action):
    doc, _ = ordinance(PATHS[status])
    date = day(len(PATHS[status]) + 1)
    if action in LEGAL[status]:
        new, events = act(doc, action, date)
        assert new["status"] == (status if action == "amended" else action)
        assert new["version"] == doc["version"] + 1
        if action == "amended":
            assert [e["type"] for e in events] == ["ordinance.amended"]
        elif action == status:
            assert events == []
        else:
            assert [e["data"]["to"] for e in events] == [action]
    else:
        with pytest.raises(Conflict) as err:
            act(doc, action, date)
        message = str(err.value)
        assert f"'{action}' cannot follow" in message and f"is '{status}'" in message
        if LEGAL[status]:
            named = message.split("allowed next actions: ")[1].split(", ")
            assert set(named) == LEGAL[status]
        else:
            assert "repealed ordinance takes no further actions" in message


def test_only_repealed_is_final_and_every_status_has_a_plain_meaning():
    assert [s for s in actions.STATUSES if not actions.NEXT[s]] == ["repealed"]
    for d in actions.definitions():
        assert d["meaning"] and d["meaning"][0].isupper() and d["meaning"].endswith(".")


def test_pittsburgh_paid_sick_days_reversal():
    doc, _ = ordinance()
    steps = [("introduced", "2015-05-05"), ("passed", "2015-08-03"), ("enacted", "2015-08-13"),
             ("challenged", "2015-09-01"), ("struck_down", "2015-12-21"), ("appealed", "2016-01-15"),
             ("struck_down", "2017-02-08"), ("appealed", "2017-03-01"), ("reinstated", "2019-07-17")]
    seen = []
    for type_, date in steps:
        doc, events = act(doc, type_, date)
        seen += [(e["data"]["from"], e["data"]["to"]) for e in events]
    assert doc["status"] == "reinstated"
    assert seen[-4:] == [("struck_down", "appealed"), ("appealed", "struck_down"),
                         ("struck_down", "appealed"), ("appealed", "reinstated")]
    assert doc["version"] == 1 + len(steps)
    doc, _ = act(doc, "effective", "2020-03-15")
    assert doc["status"] == "effective" and "repealed" in actions.NEXT["effective"]


def test_recording_the_same_action_twice_changes_nothing():
    doc, _ = ordinance(["introduced"])
    once, events = act(doc, "passed", "2015-08-03", "https://example.org/a")
    again, more = act(once, "passed", "2015-08-03", "https://example.org/a")
    assert again is once and more == [] and len(once["actions"]) == 2
    # a different source is a different record of the action, and passed cannot follow passed
    with pytest.raises(Conflict):
        act(once, "passed", "2015-08-03", "https://example.org/b")


def test_back_dated_actions_are_placed_by_date_and_validated_in_that_order():
    doc, _ = ordinance()
    doc, _ = act(doc, "passed", "2015-08-03")
    doc, events = act(doc, "introduced", "2015-05-05")  # entered later, happened earlier
    assert [a["type"] for a in doc["actions"]] == ["introduced", "passed"]
    assert doc["status"] == "passed" and events == []
    assert (doc["first_action_date"], doc["latest_action_date"]) == ("2015-05-05", "2015-08-03")
    # a back-dated veto would have to follow "introduced": refused, nothing changes
    with pytest.raises(Conflict, match="'vetoed' cannot follow: on 2015-06-01 the ordinance is 'introduced'"):
        act(doc, "vetoed", "2015-06-01")


def test_actions_on_one_date_keep_the_order_they_were_recorded_in():
    doc, _ = ordinance()
    for type_ in ("introduced", "passed", "signed"):
        doc, _ = act(doc, type_, "2015-08-03")
    assert [a["type"] for a in doc["actions"]] == ["introduced", "passed", "signed"]
    assert doc["status"] == "signed"


def test_status_changed_event_carries_the_catalog_fields():
    doc, _ = ordinance(["introduced"])
    _, (event,) = act(doc, "passed", "2015-08-03")
    assert event["type"] == "ordinance.status_changed" and event["subject"] == f"ordinance/{doc['id']}"
    assert {k: event["data"][k] for k in ("id", "version", "from", "to", "action", "jurisdiction", "state",
                                          "issue_area", "status")} == {
        "id": doc["id"], "version": 2, "from": "introduced", "to": "passed", "action": "passed",
        "jurisdiction": PGH, "state": "pa", "issue_area": "paid-sick-leave", "status": "passed"}
    assert set(event["data"]) == {"id", "version", *CATALOG["ordinance.status_changed"].data}


@pytest.mark.parametrize("data, fragment", [
    ({"type": "upheld", "date": "2017-01-01"}, "action.type 'upheld' is not allowed"),
    ({"type": "passed", "date": "2015-02-30"}, "is not a date"),
    ({"type": "passed", "date": "08/03/2015"}, "is not a date"),
    ({"type": "passed"}, "action.date is required"),
    ({"type": "passed", "date": "2015-08-03", "source_url": "ftp://x"}, "not an http(s) URL"),
    ({"type": "passed", "date": "2015-08-03", "by": "council"}, "unknown fields ['by']"),
])
def test_bad_actions_are_refused_with_a_clear_message(data, fragment):
    with pytest.raises(BadInput) as err:
        domain.check_action(data)
    assert fragment in str(err.value)


@pytest.mark.parametrize("issue_area, given, fragment", [
    ("minimum-wage", {"wage_usd": "fifteen"}, "provisions.wage_usd must be an amount in US dollars"),
    ("minimum-wage", {"wage_usd": -1}, "provisions.wage_usd must be"),
    ("minimum-wage", {"accrual_hours_worked": 30}, "unknown fields ['accrual_hours_worked'] for minimum-wage"),
    ("paid-sick-leave", {"accrual_hours_worked": 30.5}, "must be a whole number"),
    ("paid-sick-leave", {"accrual_hours_worked": 10 ** 400}, "must be a whole number"),  # was OverflowError
    ("paid-sick-leave", {"accrual_hours_worked": float("nan")}, "must be a whole number"),
    ("paid-sick-leave", {"effective_date": "soon"}, "provisions.effective_date 'soon' is not a date"),
    ("fair-scheduling", {"predictability_pay": "yes"}, "must be true or false"),
    ("minimum-wage", {"phase_in_year": 15}, "must be a year"),
    ("minimum-wage", [15], "provisions must be an object"),
])
def test_bad_provisions_are_refused(issue_area, given, fragment):
    with pytest.raises(BadInput) as err:
        provisions.check(issue_area, given)
    assert fragment in str(err.value)


def test_good_provisions_are_kept_typed():
    assert provisions.check("minimum-wage", {"wage_usd": 15, "phase_in_year": 2021, "indexed_to_inflation": True,
                                             "employer_size_threshold": 501.0, "tipped_wage_usd": None}) == {
        "wage_usd": 15, "phase_in_year": 2021, "indexed_to_inflation": True, "employer_size_threshold": 501}


@pytest.mark.parametrize("data, fragment", [
    ({"jurisdiction": "pittsburgh"}, "not an Open Civic Data division id"),
    ({"jurisdiction": "ocd-division/country:us/state:pa/place:Pitts Burgh"}, "is malformed"),
    ({"jurisdiction": "ocd-division/country:us/state:zz/place:x"}, "unknown state"),
    ({"issue_area": "free-ponies"}, "not a known issue area"),
    ({"title": "  "}, "title must not be empty"),
    ({"sponsor_ids": ["bob"]}, "not a valid id"),
    ({"toolkit_slug": "Paid Sick"}, "not a toolkit slug"),
    ({"actions": [{"type": "vetoed", "date": "2015-01-01"}]}, None),
])
def test_bad_ordinances_are_refused(data, fragment):
    with pytest.raises(BadInput) as err:
        ordinance(**data)
    if fragment:
        assert fragment in str(err.value)
    else:
        assert "allowed next actions" in str(err.value)


def test_initial_actions_may_come_in_any_order_and_duplicates_collapse():
    doc, (event,) = ordinance(actions=[{"type": "passed", "date": "2015-08-03"},
                                       {"type": "introduced", "date": "2015-05-05"},
                                       {"type": "passed", "date": "2015-08-03"}])
    assert [a["type"] for a in doc["actions"]] == ["introduced", "passed"]
    assert event["type"] == "ordinance.recorded" and event["data"]["status"] == "passed"


# -- toolkits ------------------------------------------------------------------------------------

def toolkit(**fields):
    data = {"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
            "summary": "Earned sick time for every worker.", **fields}
    return domain.new_toolkit(domain.check_toolkit_fields(data, partial=False))


def test_toolkit_versions_are_frozen_when_published_and_stay_readable():
    doc = toolkit()
    doc, _ = domain.revise_toolkit(doc, {"summary": "Draft edit"})
    assert doc["number"] == 1
    doc, (published,) = domain.publish_toolkit(doc, "first release")
    assert published["data"]["toolkit_version"] == 1
    doc, (revised,) = domain.revise_toolkit(doc, {"summary": "Second thoughts"})
    assert revised["type"] == "toolkit.revised"
    assert domain.toolkit_view(doc)["summary"] == "Draft edit"  # the published one still shows
    assert domain.toolkit_view(doc, draft=True)["version"] == 2
    doc, _ = domain.publish_toolkit(doc, None)
    view = domain.toolkit_view(doc)
    assert (view["version"], view["summary"], view["status"]) == (2, "Second thoughts", "published")
    assert [h["version"] for h in view["versions"]] == [1, 2]
    assert domain.toolkit_view(doc, 1)["summary"] == "Draft edit"
    with pytest.raises(NotFound, match="no published version 3"):
        domain.toolkit_view(doc, 3)


def test_publishing_twice_is_harmless_and_archived_toolkits_must_be_revised_first():
    doc, _ = domain.publish_toolkit(toolkit(), None)
    assert domain.publish_toolkit(doc, None) == (doc, [])
    doc, (archived,) = domain.archive_toolkit(doc)
    assert archived["type"] == "toolkit.archived" and domain.toolkit_view(doc)["status"] == "archived"
    assert domain.archive_toolkit(doc) == (doc, [])
    with pytest.raises(Conflict, match="revise it"):
        domain.publish_toolkit(doc, None)
    doc, (revived,) = domain.revise_toolkit(doc, {"summary": "Back"})
    assert revived["type"] == "toolkit.revised" and doc["status"] == "published"


def test_toolkit_events_never_carry_unpublished_work():
    doc, _ = domain.publish_toolkit(toolkit(), None)
    doc, (revised,) = domain.revise_toolkit(doc, {"title": "Paid Sick Days (secret draft)"})
    assert (revised["data"]["title"], revised["data"]["issue_area"]) == ("Paid Sick Days", "paid-sick-leave")
    # a toolkit never published is not public: archiving or reviving it tells no one
    never, _ = domain.archive_toolkit(toolkit(slug="never-out"))
    assert never["status"] == "archived" and domain.archive_toolkit(toolkit(slug="never-out"))[1] == []
    revived, events = domain.revise_toolkit(never, {"summary": "Back"})
    assert revived["status"] == "draft" and events == []


def test_a_toolkit_slug_cannot_change():
    with pytest.raises(BadInput, match="slug cannot change"):
        domain.revise_toolkit(toolkit(), {"slug": "other"})


# -- questions ---------------------------------------------------------------------------------------

def preemption(scope, **extra):
    doc, _ = domain.set_preemption(None, domain.check_preemption_fields(
        {"state": "pa", "issue_area": "minimum-wage", "scope": scope, **extra}))
    return doc


@pytest.mark.parametrize("records, verdict", [
    ([], "unknown"), ([preemption("none")], "allowed"), ([preemption("full")], "preempted"),
    ([preemption("partial")], "partially_preempted")])
def test_verdicts(records, verdict):
    assert domain.verdict(PGH, "minimum-wage", records)[0] == verdict


def test_preempted_explanation_cites_the_statute_and_voiding():
    _, text = domain.verdict(PGH, "minimum-wage", [preemption("full", statute="43 P.S. 333.114a", year=1996,
                                                               voids_existing_laws=True)])
    assert "43 P.S. 333.114a, 1996" in text and "voided local laws" in text


def test_setting_the_same_preemption_again_changes_nothing_and_changes_keep_history():
    doc = preemption("full", year=1996)
    fields = domain.check_preemption_fields({"state": "pa", "issue_area": "minimum-wage", "scope": "full",
                                             "year": 1996})
    assert domain.set_preemption(doc, fields) == (doc, [])
    changed, (event,) = domain.set_preemption(doc, {**fields, "scope": "partial"})
    assert [h["scope"] for h in changed["history"]] == ["full", "partial"]
    assert {k: event["data"][k] for k in ("id", "version", "state", "issue_area", "scope", "year",
                                          "history_count")} == {
        "id": "pa/minimum-wage", "version": 2, "state": "pa", "issue_area": "minimum-wage", "scope": "partial",
        "year": 1996, "history_count": 2}
    assert event["subject"] == "preemption/pa/minimum-wage"


def test_peers_are_in_effect_elsewhere_same_state_first():
    def at(jurisdiction, path, first):
        doc, _ = ordinance(path, jurisdiction=jurisdiction, title=f"Law {jurisdiction}")
        return {**doc, "first_action_date": first}
    seattle = at(SEATTLE, ["passed"], "2014-01-01")
    phl = at(PHL, ["passed", "enacted"], "2015-02-01")
    own = at(PGH, ["passed"], "2013-01-01")
    struck = at("ocd-division/country:us/state:pa/place:erie", PATHS["struck_down"], "2010-01-01")
    assert [d["jurisdiction"] for d in domain.peers_order(PGH, [seattle, own, struck, phl])] == [PHL, SEATTLE]


def test_spread_is_oldest_first_with_undated_last():
    docs = [{"id": "c", "first_action_date": None}, {"id": "b", "first_action_date": "2015-01-01"},
            {"id": "a", "first_action_date": "2014-06-02"}]
    assert [d["id"] for d in domain.spread_order(docs)] == ["a", "b", "c"]


def test_ordinances_are_grouped_per_sponsor_up_to_the_limit_and_reading_stops_when_all_are_full():
    docs = [{"id": f"ord_{i}", "sponsor_ids": ["mem_a", "mem_b"] if i % 2 else ["mem_a"]} for i in range(10)]
    read = []

    def cursor():
        for doc in docs:
            read.append(doc["id"])
            yield doc

    found = domain.group_ordinances(cursor(), "sponsor_ids", ["mem_b", "mem_a", "mem_c"], limit=2)
    assert [d["id"] for d in found["mem_a"]] == ["ord_0", "ord_1"]
    assert [d["id"] for d in found["mem_b"]] == ["ord_1", "ord_3"]
    assert found["mem_c"] == []
    assert read == [f"ord_{i}" for i in range(10)]  # mem_c never fills, so every document is read
    read.clear()
    found = domain.group_ordinances(cursor(), "sponsor_ids", ["mem_a"], limit=2)
    assert [d["id"] for d in found["mem_a"]] == ["ord_0", "ord_1"]
    assert read == ["ord_0", "ord_1", "ord_2"]  # full after two: the third is where reading stops


@pytest.mark.parametrize("key, values, fragment", [
    ("jurisdiction", ["x"], "key 'jurisdiction' is not allowed"),
    ("sponsor_id", ["not-an-id"], "is not a valid id"),
    ("toolkit_slug", "paid-sick-days", "values must be a list"),
])
def test_ordinances_of_refuses_bad_keys_and_values(key, values, fragment):
    with pytest.raises(BadInput, match=fragment):
        domain.check_ordinances_of(key, values)
