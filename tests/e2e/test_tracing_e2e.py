"""One trace per GraphQL request, carried through the RPC calls it makes, into the events
it causes and into the webhook a partner receives."""
import requests

from tests.support import PGH, wait_until
from tests.support.notifications import Receiver

CLIENT_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def post(gateway, query, key, traceparent=None):
    headers = {"Authorization": f"Bearer {key}"}
    if traceparent is not None:
        headers["traceparent"] = traceparent
    return requests.post(gateway.url, json={"query": query}, headers=headers, timeout=30)


def test_a_clients_trace_reaches_the_event_and_the_partners_webhook(gateway, members, toolkits, notifications,
                                                                      keys, event_tap):
    receiver = Receiver()
    try:
        subscribed = post(gateway, f'mutation {{ createEventSubscription(input: {{channel: "webhook", '
                                   f'url: "{receiver.url()}", eventTypes: ["ordinance.recorded"]}}) '
                                   f'{{ subscription {{ id }} }} }}', keys["staff"])
        assert "errors" not in subscribed.json(), subscribed.json()
        tap = event_tap("toolkits.events")
        answer = post(gateway, f'mutation {{ recordOrdinance(input: {{title: "Traced Act", jurisdiction: "{PGH}", '
                               f'issueArea: "paid-sick-leave"}}) {{ id }} }}', keys["staff"], CLIENT_TRACE)
        assert "errors" not in answer.json(), answer.json()
        assert answer.headers["traceparent"] == CLIENT_TRACE
        (event,) = tap.wait_for(1)
        assert event["traceparent"] == CLIENT_TRACE  # written by toolkits, reached over RPC
        request = wait_until(lambda: receiver.received(), message="the webhook")[0]
        assert request["headers"]["traceparent"] == CLIENT_TRACE
    finally:
        receiver.close()


def test_without_a_trace_from_the_client_each_request_starts_its_own(gateway, keys):
    first = post(gateway, "{ viewer { role } }", keys["staff"]).headers["traceparent"]
    second = post(gateway, "{ viewer { role } }", keys["staff"], "not-a-traceparent").headers["traceparent"]
    assert first[3:35] != second[3:35]
    assert all(len(t) == 55 and t.startswith("00-") for t in (first, second))
