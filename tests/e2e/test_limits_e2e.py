"""The limits a public API needs, over real HTTP: refused before any service is called."""
import json

from tests.support.gateway import code


def test_too_deep_too_costly_and_too_long_pages_are_refused_without_a_call(gateway, members, gateway_calls):
    deep = "title"
    for _ in range(6):
        deep = f"toolkit {{ ordinances(first: 1) {{ {deep} }} }}"  # cheap, one item a level
    queries = {
        f'{{ ordinance(id: "ord_0123456789abcdef") {{ {deep} }} }}': "levels deep; the limit is 10",
        "{ members(first: 100) { edges { node { sponsored { sponsors { sponsored { title } } } } } } }":
            "more than 20000 fields (the limit)",
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


def test_lists_that_grow_return_at_most_first_items(gateway, keys, toolkits):
    staff = keys["staff"]
    gateway.data('mutation { createToolkit(input: {slug: "sick-days", title: "Sick Days", issueArea: "paid-sick-leave", '
                 'summary: "Earned sick time."}) { slug } }', key=staff)
    gateway.data('mutation { publishToolkit(slug: "sick-days", changeNote: "v1") { version } }', key=staff)
    gateway.data('mutation { reviseToolkit(slug: "sick-days", input: {summary: "Paid sick time."}) { slug } }', key=staff)
    gateway.data('mutation { publishToolkit(slug: "sick-days", changeNote: "v2") { version } }', key=staff)
    record = """mutation($input: OrdinanceInput!) { recordOrdinance(input: $input) { id } }"""
    for i in range(3):
        gateway.data(record, {"input": {
            "title": f"Sick days {i}", "issueArea": "paid-sick-leave", "toolkitSlug": "sick-days",
            "jurisdiction": f"ocd-division/country:us/state:pa/place:town_{i}", "sponsorIds": [keys["member_id"]],
            "actions": [{"type": "introduced", "date": f"201{i}-01-01"}, {"type": "passed", "date": f"201{i}-02-01"}]}},
            key=staff)
    query = f"""query($n: Int) {{
      spread(issueArea: "paid-sick-leave", first: $n) {{ title actions(first: $n) {{ type }} }}
      toolkit(slug: "sick-days") {{ versions(first: $n) {{ version }} ordinances(first: $n) {{ title }} }}
      member(id: "{keys["member_id"]}") {{ sponsored(first: $n) {{ title }} }}
      compareProvisions(issueArea: "paid-sick-leave") {{ rows(first: $n) {{ title }} }} }}"""
    everything = gateway.data(query, key=staff)  # first left out: 20 of each, so all of them
    assert [len(everything["spread"]), len(everything["spread"][0]["actions"]), len(everything["toolkit"]["versions"]),
            len(everything["toolkit"]["ordinances"]), len(everything["member"]["sponsored"]),
            len(everything["compareProvisions"]["rows"])] == [3, 2, 2, 3, 3, 3]
    one = gateway.data(query, {"n": 1}, key=staff)
    assert one["spread"] == [{"title": "Sick days 0", "actions": [{"type": "introduced"}]}]
    assert [len(one["toolkit"]["versions"]), len(one["toolkit"]["ordinances"]), len(one["member"]["sponsored"]),
            len(one["compareProvisions"]["rows"])] == [1, 1, 1, 1]
