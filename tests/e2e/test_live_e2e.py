"""Live updates over Server-Sent Events (GraphQL over SSE, distinct connections): staff
mutations reach subscribers through the bus, as the owning service shows each subscriber;
filters, roles, resume from Last-Event-ID, the stream cap, heartbeats, and a client that
goes leaves nothing behind."""
import pytest

from gateway.service import Endpoint, GatewayService
from tests.support import free_port, wait_until
from tests.support.gateway import GraphQLClient
from tests.support.sse import EventStream

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
TEMPE = "ocd-division/country:us/state:az/place:tempe"
RECORD = "mutation($input: OrdinanceInput!) { recordOrdinance(input: $input) { id status } }"
ACTION = ("mutation($id: ID!, $action: ActionInput!) { recordOrdinanceAction(ordinanceId: $id, action: $action) "
          "{ status } }")
CHANGED = "subscription($f: OrdinanceFilter) { ordinanceChanged(filter: $f) { id status jurisdiction { state } } }"


@pytest.fixture
def gateway_settings(gateway_settings):
    return gateway_settings.replace(gateway_sse_heartbeat=0.2, gateway_sse_streams_per_key=2)


@pytest.fixture
def live(start_service, members, toolkits, notifications, gateway_settings):
    """The gateway's container and its hub of streams."""
    container = start_service(GatewayService)
    [endpoint] = [e for e in container.extensions if isinstance(e, Endpoint)]
    return container, endpoint.endpoint.live.hub


@pytest.fixture
def gateway(live, gateway_settings):
    """The client of the one gateway started by ``live``."""
    return GraphQLClient(f"http://127.0.0.1:{gateway_settings.gateway_port}/graphql")


@pytest.fixture
def url(gateway):
    return gateway.url


def record(gateway, staff, jurisdiction, title="Paid Sick Days Act"):
    return gateway.data(RECORD, {"input": {"title": title, "jurisdiction": jurisdiction, "issueArea": "paid-sick-leave",
                                           "actions": [{"type": "introduced", "date": "2015-06-01"}]}},
                        key=staff)["recordOrdinance"]["id"]


def act(gateway, staff, ordinance_id, action, date):
    return gateway.data(ACTION, {"id": ordinance_id, "action": {"type": action, "date": date}},
                        key=staff)["recordOrdinanceAction"]["status"]


def test_a_staff_status_change_reaches_the_subscribers_whose_filter_it_fits(url, gateway, keys, live):
    staff = keys["staff"]
    pittsburgh = record(gateway, staff, PGH)
    in_pa = EventStream(url, CHANGED, {"f": {"state": "pa"}})
    in_az = EventStream(url, CHANGED, {"f": {"state": "az"}}, key=keys["member"])
    assert in_pa.status == in_az.status == 200
    assert in_pa.response.headers["Content-Type"].startswith("text/event-stream")
    wait_until(lambda: len(live[1].streams) == 2, timeout=10, message="both streams open")
    assert act(gateway, staff, pittsburgh, "passed", "2015-08-03") == "passed"
    event_id, payload = in_pa.next_data()
    assert payload == {"data": {"ordinanceChanged": {"id": pittsburgh, "status": "passed",
                                                     "jurisdiction": {"state": "pa"}}}}
    assert event_id
    # the Arizona stream was not sent Pittsburgh's change: its first event is Tempe's
    tempe = record(gateway, staff, TEMPE)
    _, payload = in_az.next_data()
    assert payload["data"]["ordinanceChanged"]["id"] == tempe
    in_pa.close(), in_az.close()


def test_a_reconnecting_client_resumes_after_its_last_event_id(url, gateway, keys, live):
    staff = keys["staff"]
    ordinance = record(gateway, staff, PGH)
    stream = EventStream(url, CHANGED, {"f": {"jurisdiction": PGH}})
    wait_until(lambda: len(live[1].streams) == 1, timeout=10, message="the stream open")
    act(gateway, staff, ordinance, "passed", "2015-08-03")
    seen, first = stream.next_data()
    assert first["data"]["ordinanceChanged"]["status"] == "passed"
    stream.close()
    wait_until(lambda: not live[1].streams, timeout=10, message="the stream closed")
    act(gateway, staff, ordinance, "signed", "2015-08-10")  # while disconnected
    act(gateway, staff, ordinance, "effective", "2016-01-11")
    wait_until(lambda: len(live[1].recent) >= 4, timeout=10, message="the gateway saw the events")
    again = EventStream(url, CHANGED, {"f": {"jurisdiction": PGH}}, last_event_id=seen)
    # one frame per entity that changed, as the owner shows it now, with the latest event's id
    last_id, missed = again.next_data()
    assert missed["data"]["ordinanceChanged"]["status"] == "effective" and last_id != seen
    act(gateway, staff, ordinance, "challenged", "2016-02-01")
    assert again.next_data()[1]["data"]["ordinanceChanged"]["status"] == "challenged"  # then live again
    again.close()
    gap = EventStream(url, CHANGED, last_event_id="forged-" + "x" * 5000)
    _, said = gap.next_data()
    assert said["errors"][0]["extensions"]["code"] == "RESUME_GAP"
    gap.close()


def test_ask_answers_reach_members_only_as_notifications_shows_them(url, gateway, keys, live):
    asked = gateway.data("mutation($input: AskInput!) { postAsk(input: $input) { id } }",
                         {"input": {"issueArea": "paid-sick-leave", "subject": "Small employers?",
                                    "body": "Did anyone exempt businesses under 5 employees?"}},
                         key=keys["member"])["postAsk"]["id"]
    query = "subscription($id: ID!) { askAnswered(askId: $id) { id answers { body } } }"
    public = EventStream(url, query, {"id": asked})
    assert public.status in (401, 403) and public.json()["errors"][0]["extensions"]["code"] in \
        ("FORBIDDEN", "UNAUTHENTICATED")
    missing = EventStream(url, query, {"id": "ask_0123456789abcdef"}, key=keys["member"])
    assert missing.status == 404
    stream = EventStream(url, query, {"id": asked}, key=keys["partner"])
    assert stream.status == 200
    gateway.data('mutation($id: ID!) { answerAsk(askId: $id, body: "We did, in 2015.") { id } }', {"id": asked},
                 key=keys["member"])
    _, payload = stream.next_data()
    assert payload["data"]["askAnswered"] == {"id": asked, "answers": [{"body": "We did, in 2015."}]}
    stream.close()


def test_a_published_toolkit_reaches_subscribers_of_its_issue_area(url, gateway, keys, live):
    stream = EventStream(url, 'subscription { toolkitPublished(issueArea: "paid-sick-leave") { slug status } }')
    other = EventStream(url, 'subscription { toolkitPublished(issueArea: "minimum-wage") { slug } }',
                        key=keys["member"])
    wait_until(lambda: len(live[1].streams) == 2, timeout=10, message="the streams open")
    for slug, area in (("paid-sick-days", "paid-sick-leave"), ("fight-for-15", "minimum-wage")):
        gateway.data("mutation($input: ToolkitInput!) { createToolkit(input: $input) { slug } }",
                     {"input": {"slug": slug, "title": slug, "issueArea": area, "summary": "A toolkit."}},
                     key=keys["staff"])
        gateway.data(f'mutation {{ publishToolkit(slug: "{slug}", changeNote: "v1") {{ status }} }}',
                     key=keys["staff"])
    assert stream.next_data()[1] == {"data": {"toolkitPublished": {"slug": "paid-sick-days", "status": "published"}}}
    assert other.next_data()[1] == {"data": {"toolkitPublished": {"slug": "fight-for-15"}}}
    stream.close(), other.close()


def test_streams_send_heartbeats_and_a_client_that_goes_leaves_nothing_behind(url, live):
    container, hub = live
    wait_until(lambda: not hub.streams, timeout=10, message="no stream open")
    before = len(container._managed_threads)
    stream = EventStream(url, CHANGED)
    assert stream.next_comment() == "connected"
    assert stream.next_comment() == "heartbeat" and stream.next_comment() == "heartbeat"
    assert len(hub.streams) == 1
    stream.close()
    # the next heartbeat finds the connection gone: the stream and its greenthread end
    wait_until(lambda: not hub.streams and not hub.owners, timeout=10, message="the stream gone from the hub")
    wait_until(lambda: len(container._managed_threads) <= before, timeout=10,
               message="the connection's greenthread ended")


def test_a_key_may_hold_only_so_many_streams_across_every_gateway_process(url, keys, live, start_service,
                                                                          gateway_config):
    hub = live[1]
    second_port = free_port()
    second = start_service(GatewayService, {**gateway_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{second_port}"})
    [other_endpoint] = [e for e in second.extensions if isinstance(e, Endpoint)]
    there = f"http://127.0.0.1:{second_port}/graphql"
    held = [EventStream(url, CHANGED, key=keys["member"]), EventStream(there, CHANGED, key=keys["member"])]
    assert [s.status for s in held] == [200, 200]
    for refused in (EventStream(url, CHANGED, key=keys["member"]), EventStream(there, CHANGED, key=keys["member"])):
        assert refused.status == 429 and refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    other = EventStream(url, CHANGED, key=keys["partner"])  # another key has its own count
    assert other.status == 200
    held[1].close()  # on the second process: its place is free for the first one
    wait_until(lambda: not other_endpoint.endpoint.live.hub.streams, timeout=10, message="the closed stream gone")
    again = EventStream(url, CHANGED, key=keys["member"])
    assert again.status == 200 and len(hub.streams) == 3
    for s in (held[0], other, again):
        s.close()


REFUSED = [
    (CHANGED, {"f": {"issueArea": "not-an-issue"}}, 400, "issue"),
    ("subscription { askAnswered(askId: \"nope\") { id } }", None, 400, "askid 'nope' is not a valid id"),
    ("subscription { ordinanceChanged { id } toolkitPublished { slug } }", None, 400, "only one top level field"),
    ("subscription { nope }", None, 400, "nope"),
]


def test_a_subscription_that_cannot_open_says_why_and_a_query_is_one_event(url, keys, live):
    for query, variables, status, said in REFUSED:
        stream = EventStream(url, query, variables, key=keys["member"])
        assert stream.status == status, query
        assert said in stream.json()["errors"][0]["message"].lower(), query
        stream.close()
    assert not live[1].streams
    one = EventStream(url, "{ viewer { role } }", key=keys["member"])
    assert one.next_data()[1] == {"data": {"viewer": {"role": "MEMBER"}}}
    assert one.next()["event"] == "complete"
    one.close()


def test_a_subscription_over_a_plain_post_is_refused(gateway, live):
    response = gateway.post({"query": "subscription { ordinanceChanged { id } }"})
    assert response.status_code == 400
    assert "text/event-stream" in response.json()["errors"][0]["message"]


def test_every_gateway_process_gets_every_event_for_its_own_subscribers(url, gateway, keys, live, start_service,
                                                                         gateway_config):
    second_port = free_port()
    second = start_service(GatewayService, {**gateway_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{second_port}"})
    [endpoint] = [e for e in second.extensions if isinstance(e, Endpoint)]
    here = EventStream(url, CHANGED, {"f": {"state": "pa"}})
    there = EventStream(f"http://127.0.0.1:{second_port}/graphql", CHANGED, {"f": {"state": "pa"}})
    wait_until(lambda: len(live[1].streams) == 1 and len(endpoint.endpoint.live.hub.streams) == 1, timeout=10,
               message="a stream open on each gateway")
    ordinance = record(gateway, keys["staff"], PGH)
    first_id, first = here.next_data()
    second_id, other = there.next_data()
    assert first == other and first["data"]["ordinanceChanged"]["id"] == ordinance
    assert first_id == second_id  # the event's own id: a client may resume on either process
    here.close(), there.close()


def test_a_stream_whose_key_is_revoked_gets_the_error_and_ends(url, gateway, keys, live, rpc):
    container, hub = live
    staff = {"role": "staff"}
    key = rpc.members.create_api_key("partner", owner_id=keys["org_id"], caller=staff)
    stream = EventStream(url, CHANGED, key=key["key"])
    wait_until(lambda: len(hub.streams) == 1, timeout=10, message="the stream open")
    rpc.members.revoke_api_key(key["id"], caller=staff)
    [endpoint] = [e for e in container.extensions if isinstance(e, Endpoint)]
    endpoint.endpoint.keys._entries.clear()  # as if this process's few seconds of trust had passed
    record(gateway, keys["staff"], PGH)
    _, said = stream.next_data()
    assert said["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert stream.next()["event"] == "complete"
    assert not hub.streams
    stream.close()
