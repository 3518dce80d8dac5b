"""Two toolkits replicas on one broker and store, the same ruling and the same bill update
sent many times at once (as retries and parallel importers do): one ruling on the case,
one action on the ordinance, one write each (so one event each), whichever replica answers."""
from tests.support import STAFF
from services.toolkits.service import ToolkitsService

BHAM = "ocd-division/country:us/state:al/place:birmingham"
RULING = {"date": "2018-07-27", "outcome": "reversed", "ordinance_action": "challenged",
          "source_url": "https://example.org/ruling"}


def test_concurrent_rulings_and_bill_updates_on_two_replicas_land_once(start_service, rpc, event_tap):
    start_service(ToolkitsService)
    start_service(ToolkitsService)
    tap = event_tap("toolkits.events", "case.ruled")
    ordinance = rpc.toolkits.record_ordinance({"title": "Minimum wage", "jurisdiction": BHAM,
                                               "issue_area": "minimum-wage",
                                               "actions": [{"type": "passed", "date": "2015-08-18"}]}, caller=STAFF)
    rpc.toolkits.record_case({"slug": "lewis-v-bentley", "title": "Lewis v. Bentley", "court": "N.D. Ala.",
                              "challenged": {"ordinances": [{"ordinance_id": ordinance["id"]}]}}, caller=STAFF)
    replies = [rpc.toolkits.record_ruling.call_async("lewis-v-bentley", RULING, caller=STAFF) for _ in range(8)]
    results = [reply.result() for reply in replies]
    assert all(r["ordinances"][0]["status"] == "challenged" for r in results)
    case = rpc.toolkits.get_case("lewis-v-bentley")
    assert (len(case["rulings"]), case["version"]) == (1, 2)  # one write after the record: one event
    actions = rpc.toolkits.get_ordinance(ordinance["id"])["actions"]
    assert [a["type"] for a in actions] == ["passed", "challenged"]
    [event] = tap.wait_for(1)
    assert (event["data"]["version"], event["data"]["ordinance_ids"]) == (2, [ordinance["id"]])

    bill = {"state": "al", "bill_id": "HB 174", "session": "2016rs", "title": "Uniform minimum wage",
            "issue_areas": ["minimum-wage"], "would_void": [{"jurisdiction": BHAM, "issue_area": "minimum-wage"}]}
    rpc.toolkits.set_bill(bill, caller=STAFF)
    passed = {**bill, "actions": [{"date": "2016-02-16", "description": "Passed", "classification": ["passage"]}]}
    replies = [rpc.toolkits.set_bill.call_async(passed, caller=STAFF) for _ in range(8)]
    assert {reply.result()["status"] for reply in replies} == {"passed_chamber"}
    assert rpc.toolkits.get_bill("al/2016rs/hb-174")["version"] == 2  # one advance written: one event
