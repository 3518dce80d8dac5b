"""The limits a public API needs, over real HTTP: refused before any service is called."""
import json

from tests.e2e.conftest import code


def test_too_deep_too_costly_and_too_long_pages_are_refused_without_a_call(gateway, members, gateway_calls):
    deep = "name"
    for _ in range(5):
        deep = f"sponsored {{ sponsors {{ {deep} }} }}"
    queries = {
        f'{{ member(id: "mem_0123456789abcdef") {{ {deep} }} }}': "levels deep; the limit is 10",
        "{ members(first: 100) { edges { node { sponsored { sponsors { sponsored { title } } } } } } }":
            "the limit is 20000",
        "{ toolkits(first: 1000) { totalCount } }": "first must be from 0 to 100, got 1000",
    }
    for query, fragment in queries.items():
        errors = []
        made = gateway_calls.during(lambda: errors.extend(gateway(query)["errors"]))
        assert any(fragment in e["message"] for e in errors), errors
        assert {code(e) for e in errors} == {"BAD_USER_INPUT"}
        assert made == {"members": 0, "toolkits": 0, "search": 0, "notifications": 0}


def test_first_from_a_variable_is_checked_too(gateway, members):
    error = gateway.error("query($n: Int) { members(first: $n) { totalCount } }", {"n": 101})
    assert code(error) == "BAD_USER_INPUT" and "first must be from 0 to 100" in error["message"]


def test_operations_per_request_are_limited_and_a_batch_within_it_is_answered(gateway, members):
    batch = [{"query": "{ viewer { role } }"}, {"query": "{ members(first: 0) { totalCount } }"}]
    response = gateway.post(batch)
    assert response.status_code == 200
    assert response.json() == [{"data": {"viewer": {"role": "PUBLIC"}}}, {"data": {"members": {"totalCount": 0}}}]
    response = gateway.post(batch * 3)
    assert response.status_code == 400
    assert "6 operations in one request; the limit is 5" in response.json()["errors"][0]["message"]


def test_a_body_over_100kb_is_refused_with_413(gateway, members):
    body = json.dumps({"query": "{ viewer { role } }", "variables": {"pad": "x" * 200_000}})
    response = gateway.http.post(gateway.url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 413
    assert code(response.json()["errors"][0]) == "BAD_USER_INPUT"
    assert "the limit is 100000" in response.json()["errors"][0]["message"]
