"""Requests an attacker would send, over real HTTP: each is refused with a clear code and
without a service call, and a normal query sent meanwhile, from another thread, still
answers."""
import json
import threading

import pytest

from tests.support.gateway import code


def fragment_chain(links=25):
    """~1 KB: each fragment spreads the one before twice, 2^25 fields once expanded."""
    fragments = ["fragment F0 on Ordinance { id title }"] + [
        f"fragment F{i} on Ordinance {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, links)]
    return f'{{ spread(issueArea: "minimum-wage") {{ ...F{links - 1} }} }}\n' + "\n".join(fragments)


def nested_list(levels):
    value = "x"
    for _ in range(levels):
        value = [value]
    return value


# name: (request body, HTTP status, a part of the message): 400 for variables that cannot be
# used, 200 for a document refused under application/json (GraphQL over HTTP)
HOSTILE = {
    "fragment chain": ({"query": fragment_chain()}, 200, "more than 20000 fields (the limit)"),
    "alias flood of an expensive field": (
        {"query": "{ " + " ".join(f'a{i}: spread(issueArea: "minimum-wage", first: 100) {{ id title }}'
                                  for i in range(100)) + " }"}, 200, "more than 20000 fields (the limit)"),
    "alias flood of one response name": (
        {"query": "{ " + " ".join("a: issueAreas { slug }" for _ in range(300)) + " }"}, 200,
        "repeats fields or fragments too often to be checked"),
    "deep nesting": (
        {"query": "{ " + "viewer { member { " * 200 + "name" + " }" * 401}, 200,
        "nests far deeper than the limit of 10 levels"),
    "nesting past the depth limit": (
        {"query": '{ ordinance(id: "ord_0123456789abcdef") { ' + "toolkit { ordinances(first: 1) { " * 6 + "id"
                  + " } }" * 6 + " } }"}, 200, "levels deep; the limit is 10"),
    "token flood": ({"query": "{ viewer { " + "role " * 3000 + "} }"}, 200, "over 2000 tokens"),
    "huge variables": (
        {"query": "query($ids: [ID!]) { compareProvisions(issueArea: \"minimum-wage\", ordinanceIds: $ids) "
                  "{ fields } }", "variables": {"ids": list(range(6000))}}, 400, "more than 5000 values"),
    "variables nested deep": (
        {"query": "query($f: OrdinanceFilter) { ordinances(filter: $f) { totalCount } }",
         "variables": {"f": nested_list(200)}}, 400, "more than 32 levels deep"),
    "a default past the page limit": (
        {"query": "query($n: Int = 1000) { members(first: $n) { totalCount } }"}, 200,
        "first must be from 0 to 100, got 1000"),
    "a default past the cost ceiling": (
        {"query": "query($n: Int = 100) { members(first: $n) { edges { node { sponsored(first: $n) { id title } } } } }"},
        200, "more than 20000 fields (the limit)"),
    "introspection of types within types": (
        {"query": "{ __schema { types { fields { type { fields { name } } } } } }"}, 200,
        "inside another type's lists"),
}

RAW_BODIES = {
    "nested JSON arrays": b"[" * 100_000,
    "nested JSON objects": b'{"a":' * 19_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_query_is_refused_with_a_clear_code_before_any_call(gateway, members, gateway_calls, name):
    body, status, said = HOSTILE[name]
    responses = []
    made = gateway_calls.during(lambda: responses.append(gateway.post(body)))
    [response] = responses
    assert response.status_code == status
    errors = response.json()["errors"]
    assert {code(e) for e in errors} == {"BAD_USER_INPUT"}, errors
    assert any(said in e["message"] for e in errors), errors
    assert made == {"members": 0, "toolkits": 0, "search": 0, "notifications": 0}


@pytest.mark.parametrize("name", sorted(RAW_BODIES))
def test_a_body_of_deeply_nested_json_is_a_400_with_a_message(gateway, members, name):
    response = gateway.http.post(gateway.url, data=RAW_BODIES[name], headers={"Content-Type": "application/json"},
                                 timeout=30)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert code(error) == "BAD_USER_INPUT"
    assert "too deeply to read" in error["message"]


def test_a_normal_query_answers_while_hostile_ones_are_in_flight(gateway, members):
    stop = threading.Event()
    refused, failures = [], []

    def attack(bodies):
        import requests
        with requests.Session() as session:
            while not stop.is_set():
                for body in bodies:
                    data = body if isinstance(body, bytes) else json.dumps(body).encode()
                    response = session.post(gateway.url, data=data, timeout=60,
                                            headers={"Content-Type": "application/json"})
                    if response.status_code >= 500:
                        failures.append(response.text)
                    refused.append(response.status_code)

    bodies = [b for b, _, _ in HOSTILE.values()] + list(RAW_BODIES.values())
    attackers = [threading.Thread(target=attack, args=(bodies[i::3],), daemon=True) for i in range(3)]
    for attacker in attackers:
        attacker.start()
    try:
        answers = []
        while len(answers) < 20 or len(refused) < 2 * len(bodies):
            answers.append(gateway.data("{ members(first: 5) { totalCount } viewer { role } }"))
            if len(answers) > 2000:
                break
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=120)
    assert answers[-1] == {"members": {"totalCount": 0}, "viewer": {"role": "PUBLIC"}}
    assert all(a == answers[-1] for a in answers)
    assert len(refused) >= 2 * len(bodies), "the hostile requests did not run alongside"
    assert failures == []
