"""Toolkits, ordinances and preemption through the gateway, with the real members and
toolkits services behind it: every query and mutation, role checks, and no N+1."""
import pytest

from tests.support import PGH, PHL, STAFF, TEMPE
from tests.support.gateway import code


HARRISBURG = "ocd-division/country:us/state:pa/place:harrisburg"

TOOLKIT = """mutation($input: ToolkitInput!) { createToolkit(input: $input) {
  slug title status version issueArea experts { name } versions { version } } }"""
RECORD = """mutation($input: OrdinanceInput!) { recordOrdinance(input: $input) {
  id title status jurisdiction { name state } sponsors { name } toolkit { slug } provisions } }"""
ACTION = """mutation($id: ID!, $action: ActionInput!) { recordOrdinanceAction(ordinanceId: $id, action: $action) {
  status actions { type date note recordedAt } latestAction { type } nextActions } }"""


@pytest.fixture
def expert(keys, rpc):
    return rpc.members.create_member({"name": "Erin Expert", "status": "active"}, caller=STAFF)


@pytest.fixture
def sick_days(gateway, keys, toolkits, expert):
    """A published paid-sick-leave toolkit with one expert."""
    gateway.data(TOOLKIT, {"input": {"slug": "paid-sick-days", "title": "Paid Sick Days", "issueArea": "paid-sick-leave",
                                     "summary": "Earned sick time for every worker.", "expertIds": [expert["id"]],
                                     "talkingPoints": ["Nobody should choose between a paycheck and health"]}},
                 key=keys["staff"])
    gateway.data('mutation { publishToolkit(slug: "paid-sick-days", changeNote: "first edition") { status } }',
                 key=keys["staff"])
    return "paid-sick-days"


def test_staff_draft_revise_publish_and_archive_a_toolkit(gateway, keys, toolkits, expert):
    staff = keys["staff"]
    draft = gateway.data(TOOLKIT, {"input": {"slug": "fair-week", "title": "Fair Workweek", "issueArea": "fair-scheduling",
                                             "summary": "Predictable schedules.", "expertIds": [expert["id"]]}},
                         key=staff)["createToolkit"]
    assert draft == {"slug": "fair-week", "title": "Fair Workweek", "status": "draft", "version": 1,
                     "issueArea": "fair-scheduling", "experts": [{"name": "Erin Expert"}], "versions": []}
    published = gateway.data('mutation { publishToolkit(slug: "fair-week", changeNote: "v1") { status version '
                             'publishedAt versions { version changeNote } } }', key=staff)["publishToolkit"]
    assert published["status"] == "published" and published["versions"] == [{"version": 1, "changeNote": "v1"}]
    revised = gateway.data('mutation { reviseToolkit(slug: "fair-week", input: {summary: "Two weeks notice."}) '
                           '{ status version summary } }', key=staff)["reviseToolkit"]
    assert revised == {"status": "draft", "version": 2, "summary": "Two weeks notice."}
    # the public still reads the published version, and can ask for it by number
    shown = gateway.data('{ toolkit(slug: "fair-week") { summary version draftVersion } '
                         'v1: toolkit(slug: "fair-week", version: 1) { summary } }')
    assert shown == {"toolkit": {"summary": "Predictable schedules.", "version": 1, "draftVersion": 2},
                     "v1": {"summary": "Predictable schedules."}}
    pending = '{ toolkit(slug: "fair-week", draft: true) { summary status version } }'
    assert gateway.data(pending, key=staff) == {"toolkit": {"summary": "Two weeks notice.", "status": "draft",
                                                            "version": 2}}
    assert code(gateway.error(pending, key=keys["member"])) == "FORBIDDEN"
    listed = gateway.data('{ toolkits(issueArea: "fair-scheduling") { totalCount edges { node { slug } } } }')
    assert listed["toolkits"]["totalCount"] == 1
    archived = gateway.data('mutation { archiveToolkit(slug: "fair-week") { status } }', key=staff)
    assert archived == {"archiveToolkit": {"status": "archived"}}
    assert gateway.data('{ toolkits(issueArea: "fair-scheduling") { totalCount } }')["toolkits"]["totalCount"] == 0
    assert gateway.data('{ toolkits(status: ARCHIVED) { edges { node { slug } } } }')["toolkits"]["edges"] == [
        {"node": {"slug": "fair-week"}}]


def test_a_taken_slug_is_a_conflict_and_an_unknown_one_not_found(gateway, keys, sick_days):
    error = gateway.error(TOOLKIT, {"input": {"slug": "paid-sick-days", "title": "Again", "issueArea": "paid-sick-leave",
                                              "summary": "Dup"}}, key=keys["staff"])
    assert code(error) == "CONFLICT"
    error = gateway.error('mutation { publishToolkit(slug: "no-such-kit") { status } }', key=keys["staff"])
    assert code(error) == "NOT_FOUND"
    assert gateway.data('{ toolkit(slug: "no-such-kit") { title } }') == {"toolkit": None}


@pytest.mark.parametrize("role, expected", [(None, "UNAUTHENTICATED"), ("member", "FORBIDDEN"), ("partner", "FORBIDDEN")])
def test_only_staff_change_toolkits_ordinances_and_preemption(gateway, keys, sick_days, rpc, role, expected):
    ordinance = rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "Sick days", "jurisdiction": PGH, "issue_area": "paid-sick-leave"})
    mutations = [
        (TOOLKIT, {"input": {"slug": "x-kit", "title": "X", "issueArea": "minimum-wage", "summary": "X"}}),
        ('mutation { reviseToolkit(slug: "paid-sick-days", input: {title: "Hacked"}) { title } }', None),
        ('mutation { publishToolkit(slug: "paid-sick-days") { title } }', None),
        ('mutation { archiveToolkit(slug: "paid-sick-days") { title } }', None),
        (RECORD, {"input": {"title": "X", "jurisdiction": PHL, "issueArea": "minimum-wage"}}),
        (ACTION, {"id": ordinance["id"], "action": {"type": "introduced", "date": "2020-01-01"}}),
        ('mutation { setPreemption(input: {state: "pa", issueArea: "minimum-wage", scope: "full"}) { scope } }', None),
    ]
    for query, variables in mutations:
        assert code(gateway.error(query, variables, key=keys.get(role))) == expected, query
    assert rpc.toolkits.get_toolkit("paid-sick-days")["status"] == "published"
    assert rpc.toolkits.get_ordinance(ordinance["id"])["actions"] == []
    assert rpc.toolkits.list_preemptions() == []


def test_an_ordinance_is_recorded_and_moves_through_its_actions(gateway, keys, sick_days, expert):
    staff = keys["staff"]
    recorded = gateway.data(RECORD, {"input": {
        "title": "Paid Sick Days Act", "jurisdiction": PGH, "issueArea": "paid-sick-leave", "toolkitSlug": sick_days,
        "sponsorIds": [keys["member_id"], expert["id"]], "provisions": {"accrual_hours_worked": 35},
        "sourceUrl": "https://pittsburgh.legistar.com/x",
        "actions": [{"type": "introduced", "date": "2015-06-01"}]}}, key=staff)["recordOrdinance"]
    assert recorded["status"] == "introduced"
    assert recorded["jurisdiction"] == {"name": "Pittsburgh, PA", "state": "pa"}
    assert recorded["sponsors"] == [{"name": "Deb Gross"}, {"name": "Erin Expert"}]
    assert recorded["toolkit"] == {"slug": "paid-sick-days"}
    assert recorded["provisions"] == {"accrual_hours_worked": 35}
    passed = gateway.data(ACTION, {"id": recorded["id"], "action": {"type": "passed", "date": "2015-08-03",
                                                                     "note": "Council vote 7-2"}}, key=staff)
    passed = passed["recordOrdinanceAction"]
    assert passed["status"] == "passed" and passed["latestAction"] == {"type": "passed"}
    assert passed["actions"][1]["note"] == "Council vote 7-2" and passed["actions"][1]["recordedAt"].endswith("Z")
    # an action that cannot follow is a conflict naming what may
    error = gateway.error(ACTION, {"id": recorded["id"], "action": {"type": "drafted", "date": "2015-09-01"}}, key=staff)
    assert code(error) == "CONFLICT"
    assert "drafted" in error["message"]
    error = gateway.error(ACTION, {"id": "ord_0123456789abcdef", "action": {"type": "passed", "date": "2015-09-01"}},
                          key=staff)
    assert code(error) == "NOT_FOUND"
    error = gateway.error(ACTION, {"id": recorded["id"], "action": {"type": "passed", "date": "Aug 3 2015"}}, key=staff)
    assert code(error) == "BAD_USER_INPUT" and "ISO 8601" in error["message"]
    # the sponsor sees it among what they sponsored
    sponsored = gateway.data(f'{{ member(id: "{keys["member_id"]}") {{ sponsored {{ title status }} }} }}')
    assert sponsored["member"]["sponsored"] == [{"title": "Paid Sick Days Act", "status": "passed"}]
    toolkit = gateway.data('{ toolkit(slug: "paid-sick-days") { ordinances { id } experts { name } } }')["toolkit"]
    assert toolkit == {"ordinances": [{"id": recorded["id"]}], "experts": [{"name": "Erin Expert"}]}


def test_ordinances_are_filtered_and_paged(gateway, keys, rpc, toolkits):
    for place in (PGH, PHL, TEMPE):
        rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "Sick days", "jurisdiction": place, "issue_area": "paid-sick-leave",
                                       "sponsor_ids": [keys["member_id"]]})
    rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "Wage", "jurisdiction": PGH, "issue_area": "minimum-wage"})
    query = """query($filter: OrdinanceFilter, $after: String) { ordinances(filter: $filter, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { jurisdiction { name } issueArea } } } }"""
    page = gateway.data(query, {"filter": {"state": "pa", "issueArea": "paid-sick-leave"}})["ordinances"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["jurisdiction"]["name"] for e in page["edges"]] == ["Philadelphia, PA", "Pittsburgh, PA"]
    first = gateway.data(query, {"filter": {"sponsorId": keys["member_id"]}})["ordinances"]
    rest = gateway.data(query, {"filter": {"sponsorId": keys["member_id"]},
                                "after": first["pageInfo"]["endCursor"]})["ordinances"]
    assert first["totalCount"] == 3 and len(first["edges"]) + len(rest["edges"]) == 3
    error = gateway.error(query, {"filter": {"state": "Pennsylvania"}})
    assert code(error) == "BAD_USER_INPUT" and "two-letter postal code" in error["message"]


def test_can_my_city_pass_it_with_preemption_peers_and_toolkit(gateway, keys, rpc, sick_days):
    rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "Sick days", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
                                   "actions": [{"type": "introduced", "date": "2015-06-01"},
                                               {"type": "passed", "date": "2015-08-03"},
                                               {"type": "signed", "date": "2015-08-13"},
                                               {"type": "effective", "date": "2016-01-11"}]})
    preemption = gateway.data("""mutation { setPreemption(input: {state: "az", issueArea: "paid-sick-leave",
        scope: "full", statute: "A.R.S. 23-204", year: 2016, voidsExistingLaws: false}) {
        state issueArea scope statute year voidsExistingLaws } }""", key=keys["staff"])["setPreemption"]
    assert preemption["scope"] == "full" and preemption["year"] == 2016
    query = """query($j: ID!) { canPass(jurisdiction: $j, issueArea: "paid-sick-leave") {
      jurisdiction { name } verdict explanation preemptions { statute } toolkit { slug title }
      peers { jurisdiction { name } status } } }"""
    tempe = gateway.data(query, {"j": TEMPE})["canPass"]
    assert tempe["verdict"] == "preempted" and tempe["preemptions"] == [{"statute": "A.R.S. 23-204"}]
    assert tempe["toolkit"] == {"slug": "paid-sick-days", "title": "Paid Sick Days"}
    assert tempe["peers"] == [{"jurisdiction": {"name": "Pittsburgh, PA"}, "status": "effective"}]
    assert gateway.data(query, {"j": HARRISBURG})["canPass"]["verdict"] == "unknown"
    assert gateway.data('{ preemptions(state: "az") { scope } }') == {"preemptions": [{"scope": "full"}]}
    error = gateway.error(query, {"j": "Tempe, AZ"})
    assert code(error) == "BAD_USER_INPUT" and "Open Civic Data division id" in error["message"]


def test_spread_status_definitions_and_provisions_side_by_side(gateway, rpc, toolkits):
    later = rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "B", "jurisdiction": PHL, "issue_area": "paid-sick-leave",
                                           "provisions": {"accrual_hours_worked": 40},
                                           "actions": [{"type": "introduced", "date": "2011-01-01"}]})
    earlier = rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "A", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
                                             "provisions": {"accrual_hours_worked": 35},
                                             "actions": [{"type": "introduced", "date": "2010-01-01"},
                                                         {"type": "passed", "date": "2010-03-01"}]})
    spread = gateway.data('{ spread(issueArea: "paid-sick-leave") { title firstAction { date } latestAction { type } } }')
    assert spread["spread"] == [{"title": "A", "firstAction": {"date": "2010-01-01"}, "latestAction": {"type": "passed"}},
                                {"title": "B", "firstAction": {"date": "2011-01-01"}, "latestAction": {"type": "introduced"}}]
    definitions = gateway.data("{ statusDefinitions { status meaning } }")["statusDefinitions"]
    assert {"status": "passed", "meaning": "Approved by a vote of the full legislative body."} in definitions
    compared = gateway.data("""query($ids: [ID!]) { compareProvisions(issueArea: "paid-sick-leave", ordinanceIds: $ids) {
      fields definitions { name meaning } rows { ordinance { title } jurisdiction { name } status provisions } } }""",
                            {"ids": [earlier["id"], later["id"]]})["compareProvisions"]
    assert "accrual_hours_worked" in compared["fields"]
    assert [(r["ordinance"]["title"], r["provisions"]["accrual_hours_worked"]) for r in compared["rows"]] == [
        ("A", 35), ("B", 40)]
    error = gateway.error('{ spread(issueArea: "free-ponies") { title } }')
    assert code(error) == "BAD_USER_INPUT" and "not a known issue area" in error["message"]


LIST = """query($n: Int!) { ordinances(first: $n) { edges { node {
  title sponsors { name } toolkit { title experts { name } } } } } }"""


def test_rpc_calls_for_a_list_of_ordinances_do_not_grow_with_the_list(gateway, keys, rpc, sick_days, gateway_calls):
    sponsors = [rpc.members.create_member({"name": f"Sponsor {i}"}, caller=STAFF)["id"] for i in range(8)]
    for i in range(20):
        rpc.toolkits.record_ordinance(caller=STAFF, data={"title": f"Sick days {i}", "issue_area": "paid-sick-leave",
                                       "jurisdiction": f"ocd-division/country:us/state:pa/place:town_{i:02d}",
                                       "toolkit_slug": sick_days, "sponsor_ids": [sponsors[i % 8], sponsors[(i + 1) % 8]]})
    counts = {}
    for n in (5, 20):
        response = {}
        counts[n] = gateway_calls.during(lambda: response.update(gateway.data(LIST, {"n": n})))
        nodes = [e["node"] for e in response["ordinances"]["edges"]]
        assert len(nodes) == n and all(len(node["sponsors"]) == 2 for node in nodes)
        assert all(node["toolkit"] == {"title": "Paid Sick Days", "experts": [{"name": "Erin Expert"}]} for node in nodes)
    # toolkits: list_ordinances and get_toolkits; members: get_members for sponsors, then for experts
    assert counts[5] == counts[20] == {"members": 2, "toolkits": 2, "search": 0, "notifications": 0,
                                       "members.get_members": 2, "toolkits.list_ordinances": 1,
                                       "toolkits.get_toolkits": 1}


def test_a_failure_inside_a_batched_field_is_a_located_error_with_a_code(gateway, rpc, toolkits, members, keys):
    made = rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "Sick days", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
                                          "sponsor_ids": [keys["member_id"]]})
    members.stop()  # the members service goes away; its queue stays, so calls time out
    response = gateway(f'{{ ordinances {{ edges {{ node {{ title toolkit {{ title }} }} }} }} '
                       f'ordinance(id: "{made["id"]}") {{ title sponsors {{ name }} }} }}')
    [error] = response["errors"]
    assert code(error) == "UNAVAILABLE"
    assert error["message"] == "the members service did not answer get_members within 2s; try again shortly"
    assert error["path"] == ["ordinance", "sponsors"]
    assert "Traceback" not in str(response) and "TypeError" not in str(response)
    assert response["data"] == {"ordinances": {"edges": [{"node": {"title": "Sick days", "toolkit": None}}]},
                                "ordinance": None}


def test_drafts_are_for_staff_only(gateway, keys, toolkits, rpc):
    rpc.toolkits.create_toolkit(caller=STAFF, data={"slug": "rent-draft", "title": "Rent (draft)", "issue_area": "rent-stabilization",
                                 "summary": "Not ready."})
    made = rpc.toolkits.record_ordinance(caller=STAFF, data={"title": "Rent law", "jurisdiction": PHL, "issue_area": "rent-stabilization",
                                          "toolkit_slug": "rent-draft"})
    query = f'{{ toolkit(slug: "rent-draft") {{ status }} toolkits {{ totalCount }} ' \
            f'ordinance(id: "{made["id"]}") {{ title toolkit {{ slug }} }} }}'
    for role in (None, "member", "partner"):
        assert gateway.data(query, key=keys.get(role)) == {
            "toolkit": None, "toolkits": {"totalCount": 0}, "ordinance": {"title": "Rent law", "toolkit": None}}
    assert gateway.data(query, key=keys["staff"]) == {
        "toolkit": {"status": "draft"}, "toolkits": {"totalCount": 1},
        "ordinance": {"title": "Rent law", "toolkit": {"slug": "rent-draft"}}}
    error = gateway.error("{ toolkits(status: DRAFT) { totalCount } }", key=keys["member"])
    assert code(error) == "FORBIDDEN" and "STAFF keys only" in error["message"]


def test_a_toolkit_archived_before_it_was_published_shows_nothing_to_all_but_staff(gateway, keys, toolkits, rpc):
    rpc.toolkits.create_toolkit(caller=STAFF, data={"slug": "pulled", "title": "Pulled", "issue_area": "wage-theft",
                                                    "summary": "Never out.", "legal_notes": "Privileged."})
    rpc.toolkits.archive_toolkit("pulled", caller=STAFF)
    query = '{ toolkit(slug: "pulled") { legalNotes } toolkits(status: ARCHIVED) { totalCount } }'
    for role in (None, "member", "partner"):
        assert gateway.data(query, key=keys.get(role)) == {"toolkit": None, "toolkits": {"totalCount": 0}}
        error = gateway.error('{ toolkit(slug: "pulled", version: 1) { legalNotes } }', key=keys.get(role))
        assert code(error) == "NOT_FOUND" and error["message"] == "no toolkit 'pulled'"
    assert gateway.data(query, key=keys["staff"]) == {"toolkit": {"legalNotes": "Privileged."},
                                                      "toolkits": {"totalCount": 1}}


MEMBERS_SPONSORED = """query($n: Int!) { members(first: $n, filter: {namePrefix: "Sponsor"}) {
  edges { node { name sponsored { title } } } } }"""


def test_nested_ordinance_lists_are_one_call_for_the_whole_list(gateway, rpc, sick_days, gateway_calls):
    sponsors = [rpc.members.create_member({"name": f"Sponsor {i:02d}"}, caller=STAFF)["id"] for i in range(12)]
    for i in range(12):
        rpc.toolkits.record_ordinance(caller=STAFF, data={"title": f"Sick days {i:02d}", "issue_area": "paid-sick-leave",
                                       "jurisdiction": f"ocd-division/country:us/state:pa/place:town_{i:02d}",
                                       "toolkit_slug": sick_days, "sponsor_ids": [sponsors[i]]})
    counts = {}
    for n in (3, 12):
        response = {}
        counts[n] = gateway_calls.during(lambda: response.update(gateway.data(MEMBERS_SPONSORED, {"n": n})))
        nodes = [e["node"] for e in response["members"]["edges"]]
        assert [node["sponsored"] for node in nodes] == [[{"title": f"Sick days {i:02d}"}] for i in range(n)]
    assert counts[3]["toolkits.ordinances_of"] == counts[12]["toolkits.ordinances_of"] == 1
    toolkit = gateway.data(f'{{ toolkit(slug: "{sick_days}") {{ ordinances {{ title }} }} }}')["toolkit"]
    assert [o["title"] for o in toolkit["ordinances"]] == [f"Sick days {i:02d}" for i in range(12)]
