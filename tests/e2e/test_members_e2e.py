"""Members through the gateway: the viewer, people and organisations, what each role may
see and do, and the HTTP surface (GraphiQL, /metrics, bad keys)."""
import pytest
import requests

from tests.support import PGH, PHL, STAFF, wait_until
from tests.support.gateway import code


MEMBER_FIELDS = "id name givenName familyName pronouns bio status joinedOn issueAreas email phone version " \
                "offices { role body district startDate endDate jurisdiction { id name state } }"


@pytest.fixture
def people(keys, rpc):
    """Three officials in Pennsylvania, one in Arizona; contact details on all."""
    made = []
    for name, place, district in (("Ana Alvarez", PGH, "1"), ("Bo Brown", PGH, "2"), ("Cy Chen", PHL, None)):
        office = {"role": "Councilmember", "body": "City Council", "jurisdiction": place, "start_date": "2020-01-06"}
        if district:
            office["district"] = district
        made.append(rpc.members.create_member({"name": name, "status": "active", "email": f"{name[:2]}@x.org",
                                               "phone": "555-0101", "issue_areas": ["paid-sick-leave"],
                                               "offices": [office]}, caller=STAFF))
    return made


@pytest.mark.parametrize("role, expected", [
    (None, {"role": "PUBLIC", "member": None, "organization": None}),
    ("member", {"role": "MEMBER", "member": {"name": "Deb Gross"}, "organization": None}),
    ("partner", {"role": "PARTNER", "member": None, "organization": {"name": "Working Families"}}),
    ("staff", {"role": "STAFF", "member": None, "organization": None}),
])
def test_viewer_is_the_role_and_the_member_or_organization_behind_the_key(gateway, keys, role, expected):
    data = gateway.data("{ viewer { role member { name } organization { name } } }", key=keys.get(role))
    assert data["viewer"] == expected


@pytest.mark.parametrize("role, sees_private", [(None, False), ("partner", False), ("member", True), ("staff", True)])
def test_contact_details_are_null_for_public_and_partner_callers(gateway, keys, people, role, sees_private):
    member_id = people[0]["id"]
    data = gateway.data(f'{{ member(id: "{member_id}") {{ email phone }} '
                        f'members(first: 10) {{ edges {{ node {{ email phone }} }} }} }}', key=keys.get(role))
    seen = [data["member"]] + [e["node"] for e in data["members"]["edges"]]
    if sees_private:
        assert data["member"] == {"email": "An@x.org", "phone": "555-0101"}
        assert all(node["email"] for node in seen)
    else:
        assert all(node == {"email": None, "phone": None} for node in seen)


def test_member_reads_back_with_offices_and_their_jurisdiction(gateway, keys, people):
    data = gateway.data(f'{{ member(id: "{people[0]["id"]}") {{ {MEMBER_FIELDS} }} }}', key=keys["staff"])
    member = data["member"]
    assert member["name"] == "Ana Alvarez" and member["status"] == "active" and member["version"] == 1
    assert member["offices"] == [{"role": "Councilmember", "body": "City Council", "district": "1",
                                  "startDate": "2020-01-06", "endDate": None,
                                  "jurisdiction": {"id": PGH, "name": "Pittsburgh, PA", "state": "pa"}}]


def test_members_page_with_filters_cursors_and_total(gateway, keys, people):
    query = """query($after: String, $filter: MemberFilter) {
      members(first: 1, after: $after, filter: $filter) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }"""
    names, after = [], None
    while True:
        page = gateway.data(query, {"after": after, "filter": {"jurisdiction": PGH}})["members"]
        assert page["totalCount"] == 2
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == ["Ana Alvarez", "Bo Brown"]
    by_prefix = gateway.data(query, {"filter": {"namePrefix": "cy", "state": "pa"}})["members"]
    assert [e["node"]["name"] for e in by_prefix["edges"]] == ["Cy Chen"]


def test_a_page_without_total_count_asks_the_service_not_to_count(gateway, keys, people, event_tap):
    requests_out = event_tap("nameko-rpc", "members.list_members")
    plain = gateway.data("{ members(first: 1) { pageInfo { hasNextPage } edges { node { name } } } }")["members"]
    counted = gateway.data("""{ members(first: 1) { totalCount edges { node { name } } }
                               again: members(first: 1) { ...on MemberConnection { totalCount } } }""")["members"]
    assert plain["pageInfo"]["hasNextPage"] and counted["totalCount"] >= 3
    sent = requests_out.wait_for(3)
    # the members service counts (count_documents) only for the page whose client asked
    assert [r["kwargs"]["count"] for r in sent] == [False, True, True]


def test_an_unknown_member_is_null_and_a_malformed_id_is_bad_user_input(gateway, keys):
    assert gateway.data('{ member(id: "mem_0123456789abcdef") { name } }') == {"member": None}
    error = gateway.error('{ member(id: "42") { name } }')
    assert code(error) == "BAD_USER_INPUT"
    assert "ids look like mem_0123456789abcdef" in error["message"]


def test_organizations_are_listed_and_read(gateway, keys):
    data = gateway.data(f'{{ organizations(first: 5) {{ totalCount edges {{ node {{ id name kind issueAreas }} }} }} '
                        f'organization(id: "{keys["org_id"]}") {{ name kind website }} }}')
    assert data["organizations"]["totalCount"] == 2
    assert data["organization"] == {"name": "Working Families", "kind": "advocacy", "website": None}


def test_issue_areas_are_the_one_list(gateway):
    areas = gateway.data("{ issueAreas { slug name } }")["issueAreas"]
    assert {"slug": "paid-sick-leave", "name": "Paid sick leave"} in areas


CREATE = """mutation($input: MemberInput!) { createMember(input: $input) { id name status email offices { district } } }"""


def test_staff_create_and_update_a_member(gateway, keys):
    created = gateway.data(CREATE, {"input": {"name": "Dee Diaz", "email": "dee@x.org", "offices": [
        {"role": "Mayor", "body": "City", "jurisdiction": PHL, "startDate": "2024-01-01", "district": "at-large"}]}},
        key=keys["staff"])["createMember"]
    assert created["status"] == "prospect" and created["email"] == "dee@x.org"
    updated = gateway.data("""mutation($id: ID!, $input: MemberInput!) {
        updateMember(id: $id, input: $input) { name status version } }""",
                           {"id": created["id"], "input": {"name": "Dee Diaz", "status": "active"}},
                           key=keys["staff"])["updateMember"]
    assert updated == {"name": "Dee Diaz", "status": "active", "version": 2}


@pytest.mark.parametrize("role, expected", [(None, "UNAUTHENTICATED"), ("member", "FORBIDDEN"),
                                            ("partner", "FORBIDDEN")])
def test_only_staff_may_change_members_organizations_and_keys(gateway, keys, rpc, role, expected):
    mutations = [
        (CREATE, {"input": {"name": "Nope"}}),
        ('mutation { createOrganization(input: {name: "X", kind: "union"}) { id } }', None),
        ("mutation { createApiKey(role: STAFF) { key } }", None),
        (f'mutation {{ updateMember(id: "{keys["member_id"]}", input: {{name: "Hacked"}}) {{ name }} }}', None),
    ]
    for query, variables in mutations:
        error = gateway.error(query, variables, key=keys.get(role))
        assert code(error) == expected, (query, error)
    assert rpc.members.get_member(keys["member_id"], caller=STAFF)["name"] == "Deb Gross"
    assert rpc.members.list_organizations(first=0)["total_count"] == 2


def test_staff_create_an_organization_and_a_key_that_works_at_once(gateway, keys):
    org = gateway.data('mutation { createOrganization(input: {name: "SEIU Local 1", kind: "union", '
                       'issueAreas: ["minimum-wage"]}) { id name kind issueAreas } }', key=keys["staff"])
    org = org["createOrganization"]
    assert org["kind"] == "union" and org["issueAreas"] == ["minimum-wage"]
    made = gateway.data(f'mutation {{ createApiKey(role: PARTNER, ownerId: "{org["id"]}") {{ id role key }} }}',
                        key=keys["staff"])["createApiKey"]
    assert made["role"] == "PARTNER" and made["id"].startswith("key_")
    viewer = gateway.data("{ viewer { role organization { name } } }", key=made["key"])["viewer"]
    assert viewer == {"role": "PARTNER", "organization": {"name": "SEIU Local 1"}}


def test_a_service_validation_error_comes_back_with_its_message(gateway, keys):
    error = gateway.error(CREATE, {"input": {"name": "X", "email": "not-an-email"}}, key=keys["staff"])
    assert code(error) == "BAD_USER_INPUT"
    assert error["message"] == "email 'not-an-email' is not an email address"
    assert error["path"] == ["createMember"]


@pytest.mark.parametrize("variables, fragment", [
    ({"input": {"name": "X", "offices": [{"role": "M", "body": "C", "jurisdiction": PGH, "startDate": "2020-02-30"}]}},
     "is not a date; use ISO 8601"),
    ({"input": {"email": "x@y.org"}}, "Field 'name' of required type 'String!' was not provided"),
    ({"input": {"name": "X", "shoeSize": 9}}, "Field 'shoeSize' is not defined by type 'MemberInput'"),
])
def test_bad_variables_are_refused_at_the_gateway_before_any_call(gateway, keys, variables, fragment, gateway_calls):
    errors = []
    made = gateway_calls.during(lambda: errors.append(gateway.error(CREATE, variables, key=keys["staff"])))
    assert code(errors[0]) == "BAD_USER_INPUT"
    assert fragment in errors[0]["message"]
    assert made.get("members.create_member") is None


def test_a_bad_enum_value_is_bad_user_input_with_the_choices(gateway, keys):
    error = gateway.error("mutation { createApiKey(role: OWNER) { key } }", key=keys["staff"])
    assert code(error) == "BAD_USER_INPUT"
    assert "Value 'OWNER' does not exist in 'Role' enum" in error["message"]


def test_an_unknown_key_is_unauthenticated_with_status_401(gateway, keys):
    response = gateway.post({"query": "{ viewer { role } }"}, key="not-a-key")
    assert response.status_code == 401
    [error] = response.json()["errors"]
    assert code(error) == "UNAUTHENTICATED" and "not valid" in error["message"]
    response = gateway.http.post(gateway.url, json={"query": "{ viewer { role } }"},
                                 headers={"Authorization": "Basic abc"})
    assert response.status_code == 401 and "Bearer <api key>" in response.json()["errors"][0]["message"]


def test_keys_are_asked_of_members_once_and_then_cached(gateway, keys, gateway_calls):
    first = gateway_calls.during(lambda: gateway.data("{ viewer { role } }", key=keys["partner"]))
    again = gateway_calls.during(lambda: [gateway.data("{ viewer { role } }", key=keys["partner"]) for _ in range(3)])
    assert first["members.authenticate"] == 1
    assert "members.authenticate" not in again


def test_graphiql_and_metrics_are_served_on_the_same_port(gateway, keys):
    page = gateway.http.get(gateway.url)
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    gateway("query FindPeople { members(first: 1) { totalCount } }")
    gateway("query FindPeople { member(id: \"x\") { name } }")
    metrics = gateway.http.get(gateway.url.replace("/graphql", "/metrics")).text
    assert 'clearinghouse_gateway_requests_total{operation="FindPeople",outcome="ok"}' in metrics
    assert 'clearinghouse_gateway_requests_total{operation="FindPeople",outcome="rejected"}' in metrics
    assert 'clearinghouse_gateway_request_seconds_bucket{le="0.005",operation="FindPeople",outcome="ok"}' in metrics


def test_introspection_and_graphiql_can_be_switched_off(start_service, gateway_settings, keys):
    from gateway.service import GatewayService
    from tests.support import free_port
    from tests.support.gateway import GraphQLClient
    settings = gateway_settings.replace(gateway_graphiql=False, gateway_port=free_port())
    config = settings.nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{settings.gateway_port}"
    start_service(GatewayService, config)
    client = GraphQLClient(f"http://127.0.0.1:{settings.gateway_port}/graphql")
    error = client.error("{ __schema { types { name } } }")
    assert code(error) == "FORBIDDEN" and "introspection is turned off" in error["message"]
    assert client.data("{ viewer { __typename role } }") == {"viewer": {"__typename": "Viewer", "role": "PUBLIC"}}
    assert requests.get(client.url, timeout=10).status_code == 404


def refused_within_seconds(gateway, key):
    """True once the running gateway refuses ``key`` (its key cache lasts a few seconds)."""
    return gateway.post({"query": "{ viewer { role } }"}, key=key).status_code == 401


def test_a_lapsed_member_stops_signing_in_and_seeing_contact_details(gateway, keys, people):
    query = f'{{ member(id: "{people[0]["id"]}") {{ email }} }}'
    assert gateway.data(query, key=keys["member"])["member"]["email"] == "An@x.org"
    gateway.data(f'mutation {{ updateMember(id: "{keys["member_id"]}", input: {{name: "Deb Gross", status: "lapsed"}}) '
                 '{ status } }', key=keys["staff"])
    wait_until(lambda: refused_within_seconds(gateway, keys["member"]), message="the lapsed member's key refused")
    error = gateway.error(query, key=keys["member"])
    assert code(error) == "UNAUTHENTICATED" and "member is lapsed" in error["message"]


KEYS = "query($after: String) { apiKeys(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } " \
       "edges { node { id role ownerId ownerKind createdAt revokedAt } } } }"


def test_staff_list_every_key_and_an_owner_only_theirs(gateway, keys):
    page = gateway.data(KEYS, key=keys["staff"])["apiKeys"]
    rest = gateway.data(KEYS, {"after": page["pageInfo"]["endCursor"]}, key=keys["staff"])["apiKeys"]
    nodes = [e["node"] for e in page["edges"] + rest["edges"]]
    assert page["totalCount"] == 4 and [n["role"] for n in nodes] == ["STAFF", "MEMBER", "PARTNER", "PARTNER"]
    assert all(n["createdAt"] and n["revokedAt"] is None for n in nodes)
    own = gateway.data(KEYS, key=keys["member"])["apiKeys"]["edges"]
    assert [(e["node"]["ownerId"], e["node"]["ownerKind"]) for e in own] == [(keys["member_id"], "member")]
    assert code(gateway.error(KEYS)) == "UNAUTHENTICATED"
    assert "Cannot query field 'key'" in gateway.error("{ apiKeys { edges { node { key } } } }",
                                                       key=keys["staff"])["message"]


REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }"


def test_a_revoked_key_stops_working_on_the_running_gateway_within_seconds(gateway, keys):
    partner_keys = gateway.data(KEYS, key=keys["partner"])["apiKeys"]["edges"]
    other_keys = gateway.data(KEYS, key=keys["other_partner"])["apiKeys"]["edges"]
    assert gateway.data("{ viewer { role } }", key=keys["partner"]) == {"viewer": {"role": "PARTNER"}}

    # another partner's key is answered as a missing one, and keeps working
    theirs = gateway.error(REVOKE, {"id": other_keys[0]["node"]["id"]}, key=keys["partner"])
    missing = gateway.error(REVOKE, {"id": "key_0123456789abcdef"}, key=keys["partner"])
    assert code(theirs) == code(missing) == "NOT_FOUND"
    assert theirs["message"].replace(other_keys[0]["node"]["id"], "ID") == \
        missing["message"].replace("key_0123456789abcdef", "ID")
    assert gateway.data("{ viewer { role } }", key=keys["other_partner"]) == {"viewer": {"role": "PARTNER"}}

    revoked = gateway.data(REVOKE, {"id": partner_keys[0]["node"]["id"]}, key=keys["partner"])["revokeApiKey"]
    assert revoked["id"] == partner_keys[0]["node"]["id"] and revoked["revokedAt"]
    wait_until(lambda: refused_within_seconds(gateway, keys["partner"]), message="the revoked key refused")
    error = gateway.error("{ viewer { role } }", key=keys["partner"])
    assert code(error) == "UNAUTHENTICATED" and "revoked" in error["message"]


def test_staff_revoke_any_key_and_the_public_is_told_to_sign_in(gateway, keys):
    member_key = gateway.data(KEYS, key=keys["member"])["apiKeys"]["edges"][0]["node"]["id"]
    assert code(gateway.error(REVOKE, {"id": member_key})) == "UNAUTHENTICATED"
    assert gateway.data(REVOKE, {"id": member_key}, key=keys["staff"])["revokeApiKey"]["id"] == member_key
    assert code(gateway.error(REVOKE, {"id": member_key}, key=keys["staff"])) == "CONFLICT"
