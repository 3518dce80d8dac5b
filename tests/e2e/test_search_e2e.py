"""Search through the gateway with every service running: the index (built from events)
gives ids, the gateway fetches the hits from their owners in one batch per type."""
import pytest

from tests.support import PGH, STAFF, wait_until
from tests.support.gateway import code


SEARCH = """query($q: String!, $types: [SearchType!], $filter: SearchFilter) {
  search(query: $q, types: $types, filter: $filter, first: 10) {
    totalCount pageInfo { hasNextPage endCursor }
    facets { field buckets { value count } }
    edges { cursor score highlights node {
      __typename
      ... on Member { id name email }
      ... on Toolkit { slug title experts { name } }
      ... on Ordinance { id title sponsors { name } toolkit { slug } }
      ... on Ask { subject author { name } } } } } }"""


@pytest.fixture
def search(start_service, gateway_settings, search_server, members, toolkits, notifications, rpc):
    from services.search.service import SearchService
    from services.search.transport import client, is_embedded
    settings = gateway_settings.replace(elasticsearch_url=search_server)
    container = start_service(SearchService, settings.nameko_config())
    wait_until(lambda: rpc.search.rebuild_status()["state"] in ("done", "failed"), timeout=30,
               message="the start-up rebuild")
    yield container
    es = client(search_server, embedded=is_embedded(search_server))
    # by name: Elasticsearch 8 refuses wildcard deletes by default
    for name in es.indices.get(index=f"{settings.database_name('search')}*"):
        es.indices.delete(index=name, ignore_unavailable=True)
    es.close()


@pytest.fixture
def corpus(gateway, keys, search, rpc):
    """A paid-sick-leave toolkit, an ordinance sponsored by Deb Gross, and an ask, indexed."""
    expert = rpc.members.create_member({"name": "Sick Leave Expert", "status": "active", "email": "e@x.org",
                                        "bio": "Wrote the paid sick days toolkit."}, caller=STAFF)
    rpc.toolkits.create_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                                 "summary": "Earned paid sick time for every worker.", "expert_ids": [expert["id"]]}, caller=STAFF)
    rpc.toolkits.publish_toolkit("paid-sick-days", caller=STAFF)
    ordinance = rpc.toolkits.record_ordinance({"title": "Paid Sick Days Act", "jurisdiction": PGH,
                                               "issue_area": "paid-sick-leave", "toolkit_slug": "paid-sick-days",
                                               "sponsor_ids": [keys["member_id"]]}, caller=STAFF)
    ask = rpc.notifications.post_ask(keys["member_id"], {"issue_area": "paid-sick-leave", "subject": "Paid sick days for gig workers?",
                                                         "body": "Has any city covered them?"}, caller=STAFF)

    def indexed():
        found = rpc.search.query("sick", first=20, caller=STAFF)
        return {e["node"]["type"] for e in found["edges"]} >= {"member", "toolkit", "ordinance", "ask"}
    wait_until(indexed, timeout=30, message="the index to catch up")
    return {"expert": expert, "ordinance": ordinance, "ask": ask}


def test_hits_are_the_owners_records_fetched_in_one_batch_per_type(gateway, keys, corpus, gateway_calls):
    response = {}
    made = gateway_calls.during(lambda: response.update(gateway.data(SEARCH, {"q": "sick"}, key=keys["member"])))
    results = response["search"]
    by_type = {}
    for edge in results["edges"]:
        by_type.setdefault(edge["node"]["__typename"], []).append(edge["node"])
        assert edge["cursor"] and isinstance(edge["highlights"], list)
    assert set(by_type) == {"Member", "Toolkit", "Ordinance", "Ask"}
    assert by_type["Toolkit"] == [{"__typename": "Toolkit", "slug": "paid-sick-days", "title": "Paid Sick Days",
                                   "experts": [{"name": "Sick Leave Expert"}]}]
    assert by_type["Ordinance"][0]["sponsors"] == [{"name": "Deb Gross"}]
    assert by_type["Ordinance"][0]["toolkit"] == {"slug": "paid-sick-days"}
    assert by_type["Ask"][0]["author"] == {"name": "Deb Gross"}
    assert by_type["Member"][0]["email"] == "e@x.org"  # a member may see contact details
    assert results["totalCount"] >= 4
    assert any(f["field"] == "type" for f in results["facets"])
    # one search, then one batch per type and level, however many hits, and only for the
    # types asked for fields the index does not hold: a toolkit's experts, a member's email
    assert made["search.query"] == 1
    assert made["toolkits.get_toolkits"] == 1 and "toolkits.get_ordinances" not in made
    assert "notifications.get_asks" not in made
    assert made["members.get_members"] <= 2


INDEXED_ONLY = """query($q: String!) { search(query: $q, first: 10) { edges { node {
  __typename
  ... on Member { id name bio status issueAreas }
  ... on Toolkit { slug title summary version }
  ... on Ordinance { id title status jurisdiction { name } } } } } }"""


def test_hits_from_the_index_call_no_owner_and_what_is_not_selected_is_not_counted(gateway, corpus, gateway_calls,
                                                                                  event_tap):
    requests = event_tap("nameko-rpc", "search.query")
    response = {}
    made = gateway_calls.during(lambda: response.update(gateway.data(INDEXED_ONLY, {"q": "sick"})))
    nodes = {e["node"]["__typename"]: e["node"] for e in response["search"]["edges"]}
    assert nodes["Toolkit"] == {"__typename": "Toolkit", "slug": "paid-sick-days", "title": "Paid Sick Days",
                                "summary": "Earned paid sick time for every worker.", "version": 1}
    assert nodes["Ordinance"]["jurisdiction"]["name"] and nodes["Member"]["name"]
    # the hits were answered from the index: the search, and no call to any owner
    assert made["search.query"] == 1 and made["members"] == made["toolkits"] == made["notifications"] == 0
    # and search was told that no count, facets or highlights were selected
    [sent] = requests.wait_for(1)
    assert {k: sent["kwargs"][k] for k in ("count", "facets", "highlights")} == {
        "count": False, "facets": False, "highlights": False}


def test_the_public_sees_no_contact_details_and_no_asks(gateway, corpus):
    results = gateway.data(SEARCH, {"q": "sick"})["search"]
    types = {e["node"]["__typename"] for e in results["edges"]}
    assert "Ask" not in types and "Member" in types
    assert all(e["node"]["email"] is None for e in results["edges"] if e["node"]["__typename"] == "Member")
    error = gateway.error(SEARCH, {"q": "sick", "types": ["ASK"]})
    assert code(error) == "UNAUTHENTICATED"


def test_search_filters_by_type_and_state(gateway, corpus):
    results = gateway.data(SEARCH, {"q": "sick", "types": ["ORDINANCE"], "filter": {"state": "pa"}})["search"]
    assert [e["node"]["title"] for e in results["edges"]] == ["Paid Sick Days Act"]
    assert gateway.data(SEARCH, {"q": "sick", "types": ["ORDINANCE"], "filter": {"state": "az"}})["search"][
        "totalCount"] == 0
    error = gateway.error(SEARCH, {"q": "sick", "filter": {"state": "Pennsylvania"}})
    assert code(error) == "BAD_USER_INPUT" and "two-letter postal code" in error["message"]
    error = gateway.error(SEARCH, {"q": "sick", "types": ["PLACE"]})
    assert code(error) == "BAD_USER_INPUT" and "PLACE" in error["message"]


def test_suggestions_complete_a_search_box(gateway, corpus):
    suggestions = gateway.data('{ suggest(prefix: "Paid Si", types: [TOOLKIT, ORDINANCE]) { type id text } }')["suggest"]
    assert {"type": "TOOLKIT", "id": "paid-sick-days", "text": "Paid Sick Days"} in suggestions
    assert all(s["type"] in ("TOOLKIT", "ORDINANCE") for s in suggestions)
    error = gateway.error('{ suggest(prefix: "Pa", limit: 500) { id } }')
    assert code(error) == "BAD_USER_INPUT" and "limit must be from 1 to 20" in error["message"]
