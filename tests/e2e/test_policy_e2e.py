"""Policy intelligence through the gateway, with the real members, toolkits and
notifications services and webhooks to a local receiver: an amendment told to the
sponsor, texts compared against the model, a ruling recorded on every challenged
ordinance and delivered to the subscribers of its legal theory, a bill advancing that
reaches exactly the sponsors of the ordinances it would void (and the partners watching
that state and issue), lineage as a tree and canPass with its source."""
import pytest

from tests.support import STAFF, wait_until
from tests.support.gateway import code
from tests.support.notifications import Receiver

BHAM = "ocd-division/country:us/state:al/place:birmingham"
MONTGOMERY = "ocd-division/country:us/state:al/place:montgomery"
MOBILE = "ocd-division/country:us/state:al/place:mobile"
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
SUBSCRIBE = """mutation($input: EventSubscriptionInput!) { createEventSubscription(input: $input) {
  subscription { id legalTheories sponsored } } }"""
DELIVERIES = "query($id: ID!) { deliveries(subscriptionId: $id) { edges { node { eventType } } } }"
MODEL = "## Section 1. Accrual\nOne hour for every 30 hours worked.\n\n## Section 2. Enforcement\nBy the city."
CITY = "## Section 1. Accrual\nOne hour for every 35 hours worked.\n\n## Section 3. Small employers\n24 hours."


@pytest.fixture
def hooks():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def people(members, rpc):
    """Three members with keys (a, b, c) and two partners (al watching Alabama, oh Ohio)."""
    made = {}
    for name in ("a", "b", "c"):
        member = rpc.members.create_member({"name": f"Member {name.upper()}", "status": "active"}, caller=STAFF)
        made[name] = {"id": member["id"],
                      "key": rpc.members.create_api_key("member", owner_id=member["id"], caller=STAFF)["key"]}
    for name in ("al", "oh"):
        org = rpc.members.create_organization({"name": f"Partner {name}", "kind": "advocacy"}, caller=STAFF)
        made[name] = {"id": org["id"],
                      "key": rpc.members.create_api_key("partner", owner_id=org["id"], caller=STAFF)["key"]}
    made["staff"] = {"key": rpc.members.create_api_key("staff", caller=STAFF)["key"]}
    return made


def subscribe(gateway, hooks, person, path, **filters):
    made = gateway.data(SUBSCRIBE, {"input": {"channel": "webhook", "url": hooks.url(path), **filters}},
                        key=person["key"])
    return made["createEventSubscription"]["subscription"]["id"]


def delivered(gateway, person, sub_id):
    return [e["node"]["eventType"] for e in gateway.data(DELIVERIES, {"id": sub_id}, key=person["key"])[
        "deliveries"]["edges"]]


def ordinance(rpc, place, sponsor, area="minimum-wage", **extra):
    return rpc.toolkits.record_ordinance({"title": "Minimum wage", "jurisdiction": place, "issue_area": area,
                                          "sponsor_ids": [sponsor], **extra}, caller=STAFF)


def test_a_ruling_is_recorded_on_every_challenged_ordinance_and_reaches_its_legal_theory(
        gateway, toolkits, notifications, rpc, people, hooks):
    passed = [{"type": "passed", "date": "2015-08-18"}, {"type": "preempted", "date": "2016-02-25"}]
    bham = ordinance(rpc, BHAM, people["a"]["id"], actions=passed)
    montgomery = ordinance(rpc, MONTGOMERY, people["b"]["id"], actions=passed)
    a = subscribe(gateway, hooks, people["a"], "/a", eventTypes=["case.ruled"], legalTheories=["equal-protection"])
    b = subscribe(gateway, hooks, people["b"], "/b", eventTypes=["case.ruled"], legalTheories=["home-rule-limits"])
    al = subscribe(gateway, hooks, people["al"], "/al", eventTypes=["case.ruled"], states=["al"])
    staff = people["staff"]["key"]
    gateway.data('mutation { recordCase(input: {slug: "lewis-v-bentley", title: "Lewis v. Bentley", '
                 'court: "N.D. Ala.", docketNumber: "2:16-cv-690", legalTheories: ["equal-protection"], '
                 f'challenged: {{ordinances: [{{jurisdiction: "{BHAM}", issueArea: "minimum-wage"}}, '
                 f'{{jurisdiction: "{MONTGOMERY}", issueArea: "minimum-wage"}}]}}}}) {{ slug }} }}', key=staff)
    ruled = gateway.data('mutation { recordRuling(slug: "lewis-v-bentley", ruling: {date: "2018-07-27", '
                         'outcome: "reversed", ordinanceAction: "challenged", summary: "Claim may go ahead."}) '
                         '{ case { rulings { outcome } } ordinances { id status } } }', key=staff)["recordRuling"]
    assert sorted((o["id"], o["status"]) for o in ruled["ordinances"]) == sorted(
        [(bham["id"], "challenged"), (montgomery["id"], "challenged")])
    wait_until(lambda: hooks.events("/a") and hooks.events("/al"), timeout=20, message="the case.ruled webhooks")
    assert [e["type"] for e in hooks.events("/a")] == ["case.ruled"]
    assert hooks.events("/a")[0]["data"]["sponsor_ids"] == sorted([people["a"]["id"], people["b"]["id"]])
    # one event's deliveries are inserted together: B's would be there with A's
    assert delivered(gateway, people["b"], b) == [] and delivered(gateway, people["a"], a) == ["case.ruled"]
    assert delivered(gateway, people["al"], al) == ["case.ruled"]
    error = gateway.error('mutation { recordRuling(slug: "lewis-v-bentley", ruling: {date: "2018-07-27", '
                          'outcome: "reversed"}) { case { slug } } }', key=people["a"]["key"])
    assert code(error) == "FORBIDDEN"
    missing = gateway.error('{ case(slug: "no-such-case") { slug } }')
    assert code(missing) == "NOT_FOUND" and "no case 'no-such-case'" in missing["message"]


def test_a_bill_advancing_alerts_exactly_the_sponsors_of_the_ordinances_it_would_void(
        gateway, toolkits, notifications, rpc, people, hooks):
    ordinance(rpc, BHAM, people["a"]["id"])
    ordinance(rpc, MONTGOMERY, people["b"]["id"])
    ordinance(rpc, MOBILE, people["c"]["id"])  # Mobile's law is not one the bill names
    subs = {name: subscribe(gateway, hooks, people[name], f"/{name}", eventTypes=["preemption_bill.advanced"],
                            sponsored=True) for name in ("a", "b", "c")}
    subs["al"] = subscribe(gateway, hooks, people["al"], "/al", states=["al"], issueAreas=["minimum-wage"])
    subs["oh"] = subscribe(gateway, hooks, people["oh"], "/oh", states=["oh"], issueAreas=["minimum-wage"])
    bill = ('mutation($actions: [BillActionInput!]) { setPreemptionBill(input: {state: "al", billId: "HB 174", '
            'session: "2016rs", title: "Uniform minimum wage", issueAreas: ["minimum-wage"], actions: $actions, '
            f'wouldVoid: [{{jurisdiction: "{BHAM}", issueArea: "minimum-wage"}}, '
            f'{{jurisdiction: "{MONTGOMERY}", issueArea: "minimum-wage"}}]}}) {{ id status ordinances {{ id }} }} }}')
    introduced = [{"date": "2016-02-02", "description": "Introduced", "classification": ["introduction"]}]
    first = gateway.data(bill, {"actions": introduced}, key=people["staff"]["key"])["setPreemptionBill"]
    assert (first["id"], first["status"], len(first["ordinances"])) == ("al/2016rs/hb-174", "introduced", 2)
    passed = introduced + [{"date": "2016-02-16", "description": "Passed House", "classification": ["passage"]}]
    assert gateway.data(bill, {"actions": passed}, key=people["staff"]["key"])["setPreemptionBill"]["status"] == \
        "passed_chamber"
    wait_until(lambda: all(hooks.events(f"/{n}") for n in ("a", "b", "al")), timeout=20,
               message="the preemption_bill.advanced webhooks")
    got = {name: delivered(gateway, people[name], sub) for name, sub in subs.items()}
    assert got == {"a": ["preemption_bill.advanced"], "b": ["preemption_bill.advanced"], "c": [],
                   "al": ["preemption_bill.advanced"], "oh": []}
    assert hooks.events("/a")[0]["data"]["to"] == "passed_chamber"
    refused = gateway.error(SUBSCRIBE, {"input": {"channel": "webhook", "url": hooks.url("/x"), "sponsored": True}},
                            key=people["al"]["key"])
    assert code(refused) == "BAD_USER_INPUT" and "member's own subscription" in refused["message"]


def test_amendments_texts_lineage_and_can_pass_through_the_gateway(gateway, toolkits, notifications, rpc, people,
                                                                   hooks):
    staff = people["staff"]["key"]
    rpc.toolkits.create_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                                 "summary": "Model.", "model_ordinance": MODEL}, caller=STAFF)
    rpc.toolkits.publish_toolkit("paid-sick-days", caller=STAFF)
    seattle = ordinance(rpc, "ocd-division/country:us/state:wa/place:seattle", people["b"]["id"], "paid-sick-leave",
                        actions=[{"type": "passed", "date": "2011-09-12"}])
    pgh = ordinance(rpc, PGH, people["a"]["id"], "paid-sick-leave", text=CITY,
                    toolkit={"slug": "paid-sick-days", "version": 1},
                    provisions={"annual_cap_hours": 40, "effective_date": "2020-03-15"},
                    derived_from=[{"jurisdiction": seattle["jurisdiction"], "issue_area": "paid-sick-leave"}],
                    actions=[{"type": "passed", "date": "2015-08-03"}, {"type": "effective", "date": "2020-03-15"}])
    sub = subscribe(gateway, hooks, people["a"], "/amended", eventTypes=["ordinance.amended"], sponsored=True)
    amended = gateway.data(
        'mutation($id: ID!, $text: String) { recordOrdinanceAction(ordinanceId: $id, action: {type: "amended", '
        'date: "2025-12-10", changes: {provisions: {annual_cap_hours: 72}, text: $text, effectiveDate: "2026-01-01", '
        'summary: "72 hours"}}) { status textVersion provisionHistory { effectiveDate } } }',
        {"id": pgh["id"], "text": CITY.replace("24 hours", "40 hours")}, key=staff)["recordOrdinanceAction"]
    assert amended == {"status": "effective", "textVersion": 2,
                       "provisionHistory": [{"effectiveDate": "2020-03-15"}, {"effectiveDate": "2026-01-01"}]}
    wait_until(lambda: hooks.events("/amended"), timeout=20, message="the ordinance.amended webhook")
    assert delivered(gateway, people["a"], sub) == ["ordinance.amended"]
    caps = gateway.data('query($id: ID!) { before: compareProvisions(issueArea: "paid-sick-leave", ordinanceIds: [$id], '
                        'asOf: "2025-12-31") { rows { provisions } } after: compareProvisions(issueArea: '
                        '"paid-sick-leave", ordinanceIds: [$id], asOf: "2026-01-01") { rows { provisions } } }',
                        {"id": pgh["id"]})
    assert caps["before"]["rows"][0]["provisions"]["annual_cap_hours"] == 40
    assert caps["after"]["rows"][0]["provisions"]["annual_cap_hours"] == 72
    compared = gateway.data('query($id: ID!) { compareTexts(left: {modelOf: $id}, right: {ordinanceId: $id, '
                            'textVersion: 1}) { identical counts { added removed changed unchanged } '
                            'sections { change leftHeading rightHeading diff } left { kind version } } }',
                            {"id": pgh["id"]})["compareTexts"]
    assert compared["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}
    assert compared["left"] == {"kind": "toolkit", "version": 1}
    too_big = gateway.error('query($t: String) { compareTexts(left: {text: $t}, right: {text: "x"}) { identical } }',
                            {"t": "x" * 200_001})
    assert code(too_big) == "BAD_USER_INPUT"
    tree = gateway.data('{ spreadTree(issueArea: "paid-sick-leave") { depth date ordinance { id } parent { id } } }')
    assert [(n["ordinance"]["id"], n["depth"], (n["parent"] or {}).get("id")) for n in tree["spreadTree"]] == [
        (seattle["id"], 0, None), (pgh["id"], 1, seattle["id"])]
    rpc.toolkits.set_preemption({"state": "al", "issue_area": "minimum-wage", "scope": "full",
                                 "statute": "Act 2016-18", "year": 2016, "source_url": "https://example.org/act"},
                                caller=STAFF)
    check = gateway.data(f'{{ canPass(jurisdiction: "{BHAM}", issueArea: "minimum-wage") {{ verdict '
                         'source { statute year sourceUrl scope } } }')["canPass"]
    assert check == {"verdict": "preempted", "source": {"statute": "Act 2016-18", "year": 2016,
                                                        "sourceUrl": "https://example.org/act", "scope": "full"}}
    bad_date = gateway.error('{ compareProvisions(issueArea: "paid-sick-leave", asOf: "2026-02-30") { asOf } }')
    assert code(bad_date) == "BAD_USER_INPUT"


HOSTILE = [
    # (query, variables, code, words in the message)
    ('{ preemptionBill(id: "oh/2025/hb-404") { id } }', None, "NOT_FOUND", "no preemption bill 'oh/2025/hb-404'"),
    ('{ preemptionBill(id: "../../etc/passwd") { id } }', None, "BAD_USER_INPUT", "not a preemption bill id"),
    ('{ case(slug: "Robert\'); DROP") { slug } }', None, "BAD_USER_INPUT", "not a toolkit slug"),
    ('{ cases(first: 1000) { edges { node { slug } } } }', None, "BAD_USER_INPUT", "first"),
    ('{ cases(filter: {legalTheory: "astrology"}) { edges { node { slug } } } }', None, "BAD_USER_INPUT",
     "legal_theory"),
    ('{ preemptionBills(filter: {state: "zz"}) { edges { node { id } } } }', None, "BAD_USER_INPUT", "state"),
    ('{ spreadTree(issueArea: "no-such-issue") { depth } }', None, "BAD_USER_INPUT", "issue"),
    ('{ compareTexts(left: {ordinanceId: "ord_0123456789abcdef"}, right: {text: "x"}) { identical } }', None,
     "NOT_FOUND", "no ordinance 'ord_0123456789abcdef'"),
    ('{ compareTexts(left: {text: "x", title: "a\\u0007b"}, right: {text: "x"}) { identical } }', None,
     "BAD_USER_INPUT", "control character"),
    ('{ compareTexts(left: {}, right: {text: "x"}) { identical } }', None, "BAD_USER_INPUT", "exactly one of"),
    ('mutation($t: String!) { recordCase(input: {slug: "x-v-y", title: $t, court: "C", '
     'challenged: {preemptions: [{state: "al", issueArea: "minimum-wage"}]}}) { slug } }', {"t": "X\nv. Y"},
     "BAD_USER_INPUT", "control character"),
    ('mutation { recordRuling(slug: "no-such-case", ruling: {date: "2020-01-01", outcome: "reversed"}) '
     '{ case { slug } } }', None, "NOT_FOUND", "no case 'no-such-case'"),
    ('mutation { recordRuling(slug: "x", ruling: {date: "2020-02-30", outcome: "reversed"}) { case { slug } } }',
     None, "BAD_USER_INPUT", "Date"),
    ('mutation($n: String) { setPreemptionBill(input: {state: "al", billId: "HB 1", session: "2016rs", title: "T", '
     'issueAreas: ["minimum-wage"], notes: $n}) { id } }', {"n": "x" * 5001}, "BAD_USER_INPUT", "5000"),
    ('mutation($id: ID!) { recordOrdinanceAction(ordinanceId: $id, action: {type: "amended", date: "2025-01-01", '
     'changes: {provisions: {wage_usd: "lots"}}}) { id } }', "ordinance", "BAD_USER_INPUT", "wage_usd"),
]


def test_hostile_input_to_every_new_entry_is_a_4xx_that_changes_nothing(gateway, toolkits, rpc, people):
    target = ordinance(rpc, BHAM, people["a"]["id"], actions=[{"type": "passed", "date": "2015-08-18"}])
    staff = people["staff"]["key"]
    for query, variables, expected, words in HOSTILE:
        if variables == "ordinance":
            variables = {"id": target["id"]}
        error = gateway.error(query, variables, key=staff)
        assert code(error) == expected and words in error["message"], (query, error)
    assert rpc.toolkits.list_cases(caller=STAFF)["edges"] == [] and rpc.toolkits.list_bills(caller=STAFF)["edges"] == []
    assert rpc.toolkits.get_ordinance(target["id"])["version"] == target["version"]
    for mutation in ('mutation { setPreemptionBill(input: {state: "al", billId: "HB 1", session: "s", title: "T", '
                     'issueAreas: ["minimum-wage"]}) { id } }',
                     'mutation { recordCase(input: {slug: "x-v-y", title: "X", court: "C", challenged: {}}) '
                     '{ slug } }'):
        assert code(gateway.error(mutation, key=people["al"]["key"])) == "FORBIDDEN"
        assert code(gateway.error(mutation)) == "UNAUTHENTICATED"
