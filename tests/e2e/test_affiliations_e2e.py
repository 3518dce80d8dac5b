"""Affiliations through the gateway: a partner records its staff and the officials it
works with, and GraphQL shows both directions (Member.affiliations, Organization.members)
as connections with roles and dates, each caller seeing what members decides."""
from tests.support import STAFF
from tests.support.gateway import code

ADD = """mutation($input: AffiliationInput!) { addAffiliation(input: $input) {
  id role startDate endDate member { id name } organization { id name } } }"""
OF_ORG = """query($id: ID!, $first: Int, $after: String) { organization(id: $id) { name
  members(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { role startDate endDate member { name email } } } } } }"""
OF_MEMBER = """query($id: ID!) { member(id: $id) { name
  affiliations(first: 10) { totalCount edges { node { role startDate endDate organization { id name } } } } } }"""


def test_affiliations_both_ways_with_roles_and_dates(gateway, keys, members, rpc):
    official = rpc.members.create_member({"name": "Rita Rep", "status": "active", "email": "rita@example.org"},
                                         caller=STAFF)["id"]
    organizer = rpc.members.create_member({"name": "Ola Organizer", "status": "active"}, caller=STAFF)["id"]
    org, other = keys["org_id"], keys["other_org_id"]

    def add(key, member_id, org_id, role, **dates):
        return gateway.data(ADD, {"input": {"memberId": member_id, "organizationId": org_id, "role": role, **dates}},
                            key=key)["addAffiliation"]
    made = add(keys["partner"], official, org, "Works with", startDate="2021-01-04")
    assert made["member"] == {"id": official, "name": "Rita Rep"} and made["organization"]["id"] == org
    assert (made["role"], made["startDate"], made["endDate"]) == ("Works with", "2021-01-04", None)
    add(keys["partner"], organizer, org, "Staff organizer", startDate="2019-05-01", endDate="2023-06-30")
    add(keys["staff"], official, other, "Endorsed by")

    page = gateway.data(OF_ORG, {"id": org, "first": 1}, key=keys["partner"])["organization"]["members"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"]
    rest = gateway.data(OF_ORG, {"id": org, "first": 1, "after": page["pageInfo"]["endCursor"]},
                        key=keys["partner"])["organization"]["members"]
    nodes = [e["node"] for e in page["edges"] + rest["edges"]]
    assert [(n["role"], n["startDate"], n["endDate"], n["member"]["name"]) for n in nodes] == [
        ("Works with", "2021-01-04", None, "Rita Rep"), ("Staff organizer", "2019-05-01", "2023-06-30", "Ola Organizer")]
    assert nodes[0]["member"]["email"] is None  # contact details stay private from partners
    as_member = gateway.data(OF_ORG, {"id": org}, key=keys["member"])["organization"]["members"]
    assert as_member["edges"][0]["node"]["member"]["email"] == "rita@example.org"

    of_official = gateway.data(OF_MEMBER, {"id": official}, key=keys["staff"])["member"]["affiliations"]
    assert [(e["node"]["role"], e["node"]["organization"]["id"]) for e in of_official["edges"]] == [
        ("Works with", org), ("Endorsed by", other)]
    partners_view = gateway.data(OF_MEMBER, {"id": official}, key=keys["partner"])["member"]["affiliations"]
    assert [e["node"]["organization"]["id"] for e in partners_view["edges"]] == [org]
    assert gateway.data(OF_ORG, {"id": other}, key=keys["partner"])["organization"]["members"]["totalCount"] == 0
    assert code(gateway.error(OF_ORG, {"id": org})) == "UNAUTHENTICATED"

    ended = gateway.data('mutation($id: ID!) { endAffiliation(id: $id, endDate: "2025-12-31") { endDate } }',
                         {"id": made["id"]}, key=keys["partner"])
    assert ended == {"endAffiliation": {"endDate": "2025-12-31"}}


def test_hostile_affiliations_through_the_gateway(gateway, keys, members, rpc):
    official = rpc.members.create_member({"name": "Rita Rep", "status": "active"}, caller=STAFF)["id"]
    base = {"memberId": official, "organizationId": keys["org_id"], "role": "Works with"}
    cases = [
        ({**base, "organizationId": keys["other_org_id"]}, keys["partner"], "FORBIDDEN"),  # another partner's org
        ({**base, "startDate": "2021-02-01", "endDate": "2021-01-01"}, keys["partner"], "BAD_USER_INPUT"),
        ({**base, "startDate": "2021-13-01"}, keys["partner"], "BAD_USER_INPUT"),
        ({**base, "role": "Works\u0007with"}, keys["partner"], "BAD_USER_INPUT"),
        ({**base, "role": "x" * 500}, keys["partner"], "BAD_USER_INPUT"),
        ({**base, "memberId": "mem_0123456789abcdef"}, keys["partner"], "BAD_USER_INPUT"),
        (base, keys["member"], "FORBIDDEN"),
        (base, None, "UNAUTHENTICATED"),
    ]
    for data, key, expected in cases:
        assert code(gateway.error(ADD, {"input": data}, key=key)) == expected, data
    assert code(gateway.error(OF_ORG, {"id": keys["org_id"], "first": 101}, key=keys["staff"])) == "BAD_USER_INPUT"
    assert rpc.members.list_affiliations(organization_id=keys["org_id"], caller=STAFF)["total_count"] == 0
