"""The sample loader against the running toolkits service with a small fixture in the
agreed shape (/work/helpers/sample-shape.md): ordinances with text, toolkit version,
lineage, provision history and an amendment's changes; then cases and bills
(ops.sample.load_policy), loaded twice without a change."""
import types

from ops.sample import load_policy
from tests.support import STAFF

BHAM = "ocd-division/country:us/state:al/place:birmingham"
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
SRC = "https://example.org/public-record"
NOTE = "Sample of public record, for the loader's test."

TOOLKIT = {"slug": "paid-sick-days", "title": "Paid Sick Days (summary by this project)",
           "issue_area": "paid-sick-leave", "summary": "A summary written by this project.",
           "model_ordinance": "## Section 1. Accrual\nOne hour per 30 hours worked."}
ORDINANCES = [
    {"title": "Minimum wage ordinance", "jurisdiction": BHAM, "issue_area": "minimum-wage", "source_url": SRC,
     "notes": NOTE, "provisions": {"wage_usd": 10.10},
     "provision_history": [{"effective_date": "2016-07-01", "provisions": {"wage_usd": 8.5}, "source_url": SRC},
                           {"effective_date": "2017-07-01", "provisions": {"wage_usd": 10.10}, "source_url": SRC}],
     "actions": [{"type": "passed", "date": "2015-08-18", "source_url": SRC, "note": None},
                 {"type": "amended", "date": "2016-02-23", "source_url": SRC, "note": "Raised at once.",
                  "changes": {"provisions": {"wage_usd": 10.10}, "summary": "Raised at once."}},
                 {"type": "preempted", "date": "2016-02-25", "source_url": SRC, "note": None}]},
    {"title": "Paid Sick Days Act", "jurisdiction": PGH, "issue_area": "paid-sick-leave", "source_url": SRC,
     "notes": NOTE, "text": "## Section 1. Accrual\nOne hour per 35 hours worked.",
     "toolkit": {"slug": "paid-sick-days", "version": 1},
     "derived_from": [{"jurisdiction": "ocd-division/country:us/state:wa/place:seattle",
                       "issue_area": "paid-sick-leave"}],
     "actions": [{"type": "passed", "date": "2015-08-03", "source_url": SRC, "note": None},
                 {"type": "amended", "date": "2025-06-01", "source_url": SRC, "note": None,
                  "changes": {"text": "## Section 1. Accrual\nOne hour per 30 hours worked.",
                              "effective_date": "2026-01-01", "summary": "2025 amendment"}}]},
]
POLICY = types.SimpleNamespace(
    CASES=[{"slug": "lewis-v-bentley", "title": "Lewis v. Bentley", "court": "U.S. District Court, N.D. Ala.",
            "docket_number": "2:16-cv-690", "parties": [{"name": "Marnika Lewis", "side": "plaintiff"}],
            "challenged": {"ordinances": [{"jurisdiction": BHAM, "issue_area": "minimum-wage"}],
                           "preemptions": [{"state": "al", "issue_area": "minimum-wage"}]},
            "legal_theories": ["equal-protection"],
            "filings": [{"date": "2016-04-28", "kind": "complaint", "title": "Complaint", "source_url": SRC}],
            "rulings": [{"date": "2017-02-01", "court": "N.D. Ala.", "outcome": "dismissed", "summary": "Dismissed.",
                         "source_url": SRC, "ordinance_action": None}],
            "source_url": SRC, "notes": NOTE}],
    BILLS=[{"state": "al", "bill_id": "HB 174", "session": "2016rs", "title": "Uniform minimum wage",
            "status": "signed", "issue_areas": ["minimum-wage"], "source_url": SRC, "notes": NOTE,
            "actions": [{"date": "2016-02-25", "description": "Signed", "classification": ["executive-signature"],
                         "source_url": SRC}],
            "would_void": [{"jurisdiction": BHAM, "issue_area": "minimum-wage"}]}])


def test_the_agreed_shape_loads_and_loads_again_without_change(toolkits, rpc):
    rpc.toolkits.create_toolkit(TOOLKIT, caller=STAFF)
    rpc.toolkits.publish_toolkit("paid-sick-days", caller=STAFF)
    recorded = [rpc.toolkits.record_ordinance(o, caller=STAFF) for o in ORDINANCES]
    assert recorded[0]["provisions"] == {"wage_usd": 10.10} and len(recorded[0]["provision_history"]) == 2
    assert (recorded[1]["toolkit_version"], recorded[1]["text_version"]) == (1, 2)
    assert load_policy(rpc, POLICY) == {"cases": 1, "bills": 1}
    case = rpc.toolkits.get_case("lewis-v-bentley")
    assert case["ordinance_ids"] == [recorded[0]["id"]] and case["rulings"][0]["outcome"] == "dismissed"
    bill = rpc.toolkits.get_bill("al/2016rs/hb-174")
    assert (bill["status"], bill["ordinance_ids"]) == ("signed", [recorded[0]["id"]])
    assert load_policy(rpc, POLICY) == {"cases": 0, "bills": 1}
    assert rpc.toolkits.get_bill("al/2016rs/hb-174")["version"] == bill["version"]
    assert rpc.toolkits.get_case("lewis-v-bentley")["version"] == case["version"]
