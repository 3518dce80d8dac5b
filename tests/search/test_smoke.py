from tests.conftest import wait_until


def test_member_becomes_searchable(members, search, rpc):
    m = rpc.members.create_member({"name": "Deb Gross", "status": "active", "bio": "Paid sick days champion",
                                   "email": "deb@example.org"}, caller_role="staff")
    found = wait_until(lambda: rpc.search.query("gross")["edges"], message="member searchable")
    assert found[0]["node"]["id"] == m["id"]
    print(rpc.search.query("paid sick"))
    print(rpc.search.rebuild_status())
