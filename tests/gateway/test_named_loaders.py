"""The domains' named loaders over the real schema, with the services replaced by a
recording fake: which RPC each relation makes, with the caller, once per batch."""
from graphql import execute, parse

from gateway.auth import Identity
from gateway.context import RequestContext
from gateway.loaders import BatchingExecutionContext, run_execution
from gateway.schema import schema

MEMBER = Identity(role="member", key_id="key_1", owner_id="mem_000000000000000a", owner_kind="member")


def ordinance(n):
    return {"id": f"ord_{n:016x}", "title": f"Ordinance {n}", "jurisdiction": "ocd-division/country:us/state:pa",
            "issue_area": "paid-sick-leave", "status": "introduced", "version": 1, "toolkit_slug": "sick-days",
            "sponsor_ids": ["mem_000000000000000a", f"mem_{n:016x}"]}


class Services:
    """Answers as the services would, and keeps every call made."""

    def __init__(self):
        self.made = []

    def call(self, service, method, *args, **kwargs):
        self.made.append((service, method, args, kwargs))
        if method == "list_ordinances":
            nodes = [ordinance(n) for n in range(1, 4)]
            return {"edges": [{"cursor": str(n), "node": o} for n, o in enumerate(nodes)], "total_count": 3,
                    "page_info": {"has_next_page": False, "end_cursor": None}}
        if method == "get_members":
            return [{"id": i, "name": f"Name of {i}"} for i in args[0]]
        if method == "get_toolkits":
            return [{"slug": s, "title": "Paid Sick Days"} for s in args[0]]
        if method == "ordinances_of":
            return [[ordinance(9)] for _ in args[1]]
        raise AssertionError(f"unexpected call {service}.{method}")


def run(query, identity=MEMBER):
    services = Services()
    context = RequestContext(identity, services)
    result = run_execution(execute(schema.graphql_schema, parse(query), context_value=context,
                                   execution_context_class=BatchingExecutionContext), context.scheduler)
    assert result.errors is None, result.errors
    return result.data, services.made


def test_sponsors_and_toolkits_of_a_page_are_one_batch_each_passing_the_caller():
    data, made = run("{ ordinances(first: 3) { edges { node { sponsors { name } toolkit { title } } } } }")
    assert [(service, method) for service, method, _, _ in made] == [
        ("toolkits", "list_ordinances"), ("members", "get_members"), ("toolkits", "get_toolkits")]
    assert all(kwargs["caller"] == MEMBER.caller for _, _, _, kwargs in made)
    _, _, (member_ids,), _ = made[1]
    assert len(member_ids) == len(set(member_ids)) == 4  # the shared sponsor once
    assert made[2][2] == (["sick-days"],)
    assert data["ordinances"]["edges"][2]["node"]["sponsors"][1] == {"name": "Name of mem_0000000000000003"}


def test_a_viewers_sponsored_ordinances_come_from_ordinances_of_by_sponsor():
    data, made = run("{ viewer { member { name sponsored(first: 1) { title } } } }")
    assert [(method, args[:1]) for _, method, args, _ in made] == [
        ("get_members", (["mem_000000000000000a"],)), ("ordinances_of", ("sponsor_id",))]
    assert made[1][3] == {"limit": 100, "caller": MEMBER.caller}
    assert data["viewer"]["member"]["sponsored"] == [{"title": "Ordinance 9"}]
