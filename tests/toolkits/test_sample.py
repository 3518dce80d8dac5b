"""The sample of public record: its integrity (pure checks, no service), and that it loads
through the RPCs (so it passes every check) and tells the stories it should: Pittsburgh's
reversal and 2025 amendment, Birmingham's preemption, and a sourced can_pass verdict for
every state and issue area it records."""
from collections import Counter
from urllib.parse import urlsplit

import pytest

from clearinghouse import ocd, validation as v
from clearinghouse.issue_areas import ISSUE_AREAS
from services.toolkits import actions, domain, provisions, sample, sample_policy
from services.toolkits.service import ToolkitsService
from services.toolkits.usecases import PEERS

LEGAL_THEORIES = {"home-rule-limits", "state-preemption", "federal-labor-law", "equal-protection", "voting-rights",
                  "uniformity-clause", "police-power", "dillons-rule", "other"}
SIDES = {"plaintiff", "defendant", "intervenor", "amicus"}
FILING_KINDS = {"complaint", "motion", "brief", "appeal", "petition", "order"}
OUTCOMES = {"for_plaintiff", "for_defendant", "dismissed", "affirmed", "reversed", "vacated", "remanded"}
BILL_STATUSES = {"introduced", "passed_chamber", "passed", "signed", "vetoed", "failed", "dead"}
VERDICTS = {"full": "preempted", "partial": "partially_preempted", "none": "allowed"}

ORDINANCE_KEYS = {(o["jurisdiction"], o["issue_area"]) for o in sample.ORDINANCES}
PREEMPTION_KEYS = {(p["state"], p["issue_area"]) for p in sample.PREEMPTIONS}
BY_KEY = {(o["jurisdiction"], o["issue_area"]): o for o in sample.ORDINANCES}


def sources():
    """(where, url) for every source the data set cites."""
    for o in sample.ORDINANCES:
        yield o["title"], o["source_url"]
        yield from ((f"{o['title']} / {a['type']} {a['date']}", a["source_url"]) for a in o["actions"])
    for p in sample.PREEMPTIONS:
        yield f"preemption {p['state']}/{p['issue_area']}", p["source_url"]
    for key, extra in sample_policy.ORDINANCE_EXTRAS.items():
        yield from ((f"{key} history {h['effective_date']}", h["source_url"]) for h in extra.get("provision_history", []))
        if "text_source_url" in extra:
            yield f"{key} text", extra["text_source_url"]
    for case in sample_policy.CASES:
        yield case["slug"], case["source_url"]
        yield from ((f"{case['slug']} {e['date']}", e["source_url"]) for e in case["filings"] + case["rulings"])
    for bill in sample_policy.BILLS:
        yield bill["bill_id"], bill["source_url"]
        yield from ((f"{bill['bill_id']} {a['date']}", a["source_url"]) for a in bill["actions"])
    for toolkit in sample.TOOLKITS:
        yield from ((toolkit["slug"], r["url"]) for r in toolkit["resources"])


def test_every_record_and_event_cites_a_source_that_parses():
    cited = list(sources())
    assert len(cited) > 150
    for where, url in cited:
        parts = urlsplit(url or "")
        assert parts.scheme in ("http", "https") and "." in parts.netloc, f"{where}: {url!r}"
        v.url(url, where)  # the project's own check, as the RPCs apply it


def test_every_record_is_marked_as_a_sample_of_public_record():
    assert all(sample.SAMPLE in p["notes"] for p in sample.PREEMPTIONS)
    assert all(sample.SAMPLE in r["notes"] for r in sample_policy.CASES + sample_policy.BILLS)
    assert "notes" not in {k for o in sample.ORDINANCES for k in o}  # load() sets them to SAMPLE
    for toolkit in sample.TOOLKITS:  # summaries written by this project, never copied text
        assert "written by this project" in toolkit["summary"] and "written by this project" in toolkit["model_ordinance"].lower()


def test_jurisdictions_are_valid_ocd_ids_in_the_records_state_and_issue_areas_are_known():
    for o in sample.ORDINANCES:
        assert ocd.check_division(o["jurisdiction"]) == o["jurisdiction"]
        assert len(o["jurisdiction"].split("/")) > 3, f"{o['title']}: a local law names a place or county"
        assert o["issue_area"] in ISSUE_AREAS
    for p in sample.PREEMPTIONS:
        assert ocd.check_state(p["state"]) == p["state"] and p["issue_area"] in ISSUE_AREAS
    for bill in sample_policy.BILLS:
        assert ocd.check_state(bill["state"]) == bill["state"]
        assert bill["issue_areas"] and set(bill["issue_areas"]) <= set(ISSUE_AREAS)
        assert all(ocd.state_of(w["jurisdiction"]) == bill["state"] for w in bill["would_void"])
    for case in sample_policy.CASES:
        states = {ocd.state_of(c["jurisdiction"]) for c in case["challenged"]["ordinances"]}
        assert len(states) <= 1, f"{case['slug']}: one court case, one state"
        if states:
            assert {p["state"] for p in case["challenged"]["preemptions"]} <= states


def test_no_duplicate_ordinance_preemption_case_or_bill():
    assert len(ORDINANCE_KEYS) == len(sample.ORDINANCES)
    assert len(PREEMPTION_KEYS) == len(sample.PREEMPTIONS)
    assert len({c["slug"] for c in sample_policy.CASES}) == len(sample_policy.CASES)
    assert len({(b["state"], b["bill_id"], b["session"]) for b in sample_policy.BILLS}) == len(sample_policy.BILLS)


@pytest.mark.parametrize("ordinance", sample.ORDINANCES, ids=lambda o: f"{o['jurisdiction'].split(':')[-1]}-{o['issue_area']}")
def test_each_ordinance_passes_the_domain_checks_and_its_actions_follow_the_action_rules(ordinance):
    fields = domain.check_ordinance_fields({**ordinance, "notes": sample.SAMPLE})
    doc, _ = domain.new_ordinance(fields)  # places each action by date and replays the history
    assert [a["type"] for a in doc["actions"]] == [a["type"] for a in ordinance["actions"]], "listed oldest first"
    status = actions.RECORDED
    for action in ordinance["actions"]:
        assert action["type"] in actions.next_actions(status), f"{action['type']} cannot follow {status}"
        status = actions.status_after(status, action["type"])
    assert doc["status"] == status


def test_preemption_records_are_complete():
    for p in sample.PREEMPTIONS:
        fields = domain.check_preemption_fields(p)
        assert set(p) == set(domain.PREEMPTION_FIELDS) and fields["source_url"] and fields["notes"]
        if p["scope"] != "none":
            assert p["statute"] or p["year"], f"{p['state']}/{p['issue_area']}: cite the law or at least its year"


def test_every_state_and_issue_area_of_an_ordinance_has_a_preemption_record():
    missing = {(ocd.state_of(j), issue) for j, issue in ORDINANCE_KEYS} - PREEMPTION_KEYS
    assert missing == set(), "add a sourced record (allowed, preempted or partial) or leave the ordinance out"


def test_preempted_ordinances_rest_on_a_recorded_preemption():
    for o in sample.ORDINANCES:
        if any(a["type"] == "preempted" for a in o["actions"]):
            scope = next(p["scope"] for p in sample.PREEMPTIONS
                         if (p["state"], p["issue_area"]) == (ocd.state_of(o["jurisdiction"]), o["issue_area"]))
            assert scope != "none", o["title"]


def test_ordinance_extras_name_ordinances_of_the_data_set_with_dated_sourced_history():
    for key, extra in sample_policy.ORDINANCE_EXTRAS.items():
        ordinance = BY_KEY[key]
        history = extra.get("provision_history", [])
        dates = [v.date(h["effective_date"], "effective_date") for h in history]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        for h in history:
            provisions.check(key[1], h["provisions"])
        status = actions.replay(ordinance["actions"])
        if history and status in actions.IN_EFFECT:  # a law in force: its current values are the latest step's
            assert all(ordinance["provisions"].get(k) == val for k, val in history[-1]["provisions"].items())
        assert set(extra) <= {"text", "text_source_url", "toolkit", "derived_from", "provision_history", "amendments"}
        if "text" in extra:  # a checked excerpt, Markdown sections, with where it was read
            assert extra["text"].startswith("## ") and urlsplit(extra["text_source_url"]).scheme in ("http", "https")
        for parent in extra.get("derived_from", []):  # modelled on an earlier ordinance of the data set
            model = BY_KEY[(parent["jurisdiction"], parent["issue_area"])]
            assert model is not ordinance and model["actions"][0]["date"] <= ordinance["actions"][0]["date"]
        amended = {a["date"] for a in ordinance["actions"] if a["type"] == "amended"}
        for date, changes in extra.get("amendments", {}).items():
            assert date in amended, f"{key}: no amended action on {date}"
            provisions.check(key[1], changes["provisions"])
            assert changes["summary"]
            if "effective_date" in changes:
                assert v.date(changes["effective_date"], "effective_date") >= date


def test_cases_challenge_records_of_the_data_set_and_their_rulings_match_the_ordinances_actions():
    for case in sample_policy.CASES:
        assert case["court"] and case["docket_number"] and case["title"]
        assert {p["side"] for p in case["parties"]} <= SIDES and {"plaintiff", "defendant"} <= {p["side"] for p in case["parties"]}
        assert case["legal_theories"] and set(case["legal_theories"]) <= LEGAL_THEORIES
        challenged = case["challenged"]
        assert challenged["ordinances"] or challenged["preemptions"]
        for c in challenged["ordinances"]:
            assert (c["jurisdiction"], c["issue_area"]) in BY_KEY, f"{case['slug']}: {c} is not in the data set"
        for p in challenged["preemptions"]:
            assert (p["state"], p["issue_area"]) in PREEMPTION_KEYS, f"{case['slug']}: {p} is not in the data set"
        for filing in case["filings"]:
            v.date(filing["date"], "filing.date")
            assert filing["kind"] in FILING_KINDS and filing["title"]
        dates = [v.date(r["date"], "ruling.date") for r in case["rulings"]]
        assert dates and dates == sorted(dates)
        for ruling in case["rulings"]:
            assert ruling["outcome"] in OUTCOMES and ruling["court"] and ruling["summary"]
            if ruling["ordinance_action"] is None:
                continue
            assert ruling["ordinance_action"] in actions.ACTIONS
            for c in challenged["ordinances"]:  # recording the ruling's action again changes nothing
                match = {"type": ruling["ordinance_action"], "date": ruling["date"], "source_url": ruling["source_url"]}
                assert any(actions.same_action(match, a) for a in BY_KEY[(c["jurisdiction"], c["issue_area"])]["actions"]), \
                    f"{case['slug']} {ruling['date']}: {c['jurisdiction']} lacks the {ruling['ordinance_action']} action"


def test_bills_void_ordinances_of_the_data_set_and_list_dated_classified_actions():
    for bill in sample_policy.BILLS:
        assert bill["status"] in BILL_STATUSES and bill["title"] and bill["session"]
        for w in bill["would_void"]:
            assert (w["jurisdiction"], w["issue_area"]) in BY_KEY, f"{bill['bill_id']}: {w} is not in the data set"
            assert w["issue_area"] in bill["issue_areas"]
        dates = [v.date(a["date"], "action.date") for a in bill["actions"]]
        assert dates and dates == sorted(dates)
        assert all(a["classification"] and a["description"] for a in bill["actions"])
        signed = any("executive-signature" in a["classification"] for a in bill["actions"])
        assert not signed or bill["status"] == "signed"
        if bill["status"] == "signed" and not signed:  # signed, but on a day no source gave
            assert "signing date was not checked" in bill["notes"], bill["bill_id"]


def test_the_data_set_is_large_enough_to_use():
    kinds = Counter(o["issue_area"] for o in sample.ORDINANCES)
    assert kinds["paid-sick-leave"] >= 10 and kinds["minimum-wage"] >= 8
    assert len({p["state"] for p in sample.PREEMPTIONS}) >= 20
    assert {("in", "paid-sick-leave"), ("az", "inclusionary-zoning"), ("al", "minimum-wage")} <= PREEMPTION_KEYS
    assert len(sample_policy.CASES) >= 3 and len(sample_policy.BILLS) >= 3


# -- loaded into a running service ---------------------------------------------------------------

@pytest.fixture
def toolkits(start_service):
    return start_service(ToolkitsService)


def test_sample_loads_once_tells_its_stories_and_can_pass_answers_from_it_with_sources(toolkits, rpc):
    sample.load(rpc)
    sample.load(rpc)  # a second start loads nothing more
    assert rpc.toolkits.list_ordinances()["total_count"] == len(sample.ORDINANCES)
    assert len(rpc.toolkits.list_preemptions()) == len(sample.PREEMPTIONS)
    pgh = rpc.toolkits.list_ordinances(filter={"jurisdiction": sample.PGH})["edges"][0]["node"]
    assert [a["type"] for a in pgh["actions"]][-5:] == ["struck_down", "appealed", "reinstated", "effective", "amended"]
    assert pgh["status"] == "effective" and all(a["source_url"] for a in pgh["actions"])
    assert pgh["provisions"]["annual_cap_hours"] == 72 and pgh["provisions"]["accrual_hours_worked"] == 30
    verdict = rpc.toolkits.can_pass(sample.BIRMINGHAM, "minimum-wage")
    assert verdict["verdict"] == "preempted" and "Act 2016-18" in verdict["explanation"]
    # peers are the minimum wages in force elsewhere (none in Alabama), earliest adopter first
    in_force = sorted((o["actions"][0]["date"], o["jurisdiction"]) for o in sample.ORDINANCES
                      if o["issue_area"] == "minimum-wage" and actions.replay(o["actions"]) in actions.IN_EFFECT)
    assert [p["jurisdiction"] for p in verdict["peers"]] == [j for _, j in in_force][:PEERS]
    assert verdict["peers"][0]["jurisdiction"] == sample.SF and sample.ST_LOUIS not in [j for _, j in in_force]
    assert rpc.toolkits.can_pass(sample.PGH, "paid-sick-leave")["toolkit_slug"] == "paid-sick-days"
    assert [o["jurisdiction"] for o in rpc.toolkits.spread("fair-scheduling")] == [sample.SF, sample.SEATTLE]
    assert all("Sample" in o["notes"] for o in rpc.toolkits.spread("minimum-wage"))
    statuses = {o["jurisdiction"]: o["status"] for o in rpc.toolkits.spread("paid-sick-leave")}
    assert statuses[sample.NEWARK] == "preempted" and statuses[sample.AUSTIN] == "struck_down"

    # can_pass gives a sourced verdict for every state and issue area in the data set
    places = {(ocd.state_of(j), issue): j for j, issue in ORDINANCE_KEYS}
    for p in sample.PREEMPTIONS:
        where = places.get((p["state"], p["issue_area"]), f"ocd-division/country:us/state:{p['state']}/place:any_town")
        answer = rpc.toolkits.can_pass(where, p["issue_area"])
        assert answer["verdict"] == VERDICTS[p["scope"]], (p["state"], p["issue_area"], answer["explanation"])
        assert [r["source_url"] for r in answer["preemptions"]] == [p["source_url"]]
        assert answer["explanation"]
    by_key = {(p["state"], p["issue_area"]): p for p in sample.PREEMPTIONS}
    for jurisdiction, issue in ORDINANCE_KEYS:  # every ordinance's own place: never "unknown"
        record = by_key[(ocd.state_of(jurisdiction), issue)]
        answer = rpc.toolkits.can_pass(jurisdiction, issue)
        assert answer["verdict"] == VERDICTS[record["scope"]], (jurisdiction, issue)
        assert [r["source_url"] for r in answer["preemptions"]] == [record["source_url"]]
    unrecorded = "ocd-division/country:us/state:vt/place:burlington"  # no Vermont record: said plainly, not guessed
    assert "vt" not in {p["state"] for p in sample.PREEMPTIONS}
    assert rpc.toolkits.can_pass(unrecorded, "fair-scheduling")["verdict"] == "unknown"


def test_the_policy_records_load_after_the_sample_with_every_ordinance_extra(toolkits, rpc):
    from ops.sample import load_policy
    from services.toolkits import sample_policy
    sample.load(rpc)
    assert load_policy(rpc, sample_policy) == {"cases": len(sample_policy.CASES), "bills": len(sample_policy.BILLS)}
    assert load_policy(rpc, sample_policy)["cases"] == 0  # each case once
    pgh = rpc.toolkits.list_ordinances(filter={"jurisdiction": sample.PGH})["edges"][0]["node"]
    extras = sample_policy.ORDINANCE_EXTRAS[(sample.PGH, "paid-sick-leave")]
    assert [h["effective_date"] for h in pgh["provision_history"]][-2:] == \
        [h["effective_date"] for h in extras["provision_history"]][-2:]
