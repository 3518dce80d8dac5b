"""The batching executor on graphql-core's own execution, with plain-Python fetchers."""
import graphene
import pytest
from graphql import execute, parse

from clearinghouse.errors import NotFound
from gateway.errors import format_error
from gateway.loaders import BatchingExecutionContext, Loader, Pending, Scheduler, join, run_execution


class PeopleById(Loader):
    def fetch(self, ids):
        self.context.fetches.append(("people", list(ids)))
        if self.context.fail_people:
            raise self.context.fail_people
        return [{"id": i, "name": f"Person {i}", "friend_ids": [f"{i}-friend"]} if not i.startswith("gone")
                else None for i in ids]


class PlacesById(Loader):
    def fetch(self, ids):
        self.context.fetches.append(("places", list(ids)))
        return [{"id": i, "name": f"Place {i}"} for i in ids]


class Context:
    def __init__(self, fail_people=None):
        self.scheduler = Scheduler()
        self.fetches = []
        self.fail_people = fail_people

    @property
    def people(self) -> Loader:
        return PeopleById.of(self)

    @property
    def places(self) -> Loader:
        return PlacesById.of(self)

    def call(self, value):
        def run():
            self.fetches.append(("call", value))
            return value
        return self.scheduler.defer(run)


class Place(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)


class Person(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    friends = graphene.List(graphene.NonNull(lambda: Person), required=True)
    home = graphene.Field(Place)

    @staticmethod
    def resolve_friends(person, info):
        return info.context.people.load_many(person["friend_ids"]).then(lambda ps: [p for p in ps if p])

    @staticmethod
    def resolve_home(person, info):
        return info.context.places.load(f"home-of-{person['id']}")


class Bill(graphene.ObjectType):
    id = graphene.ID(required=True)
    sponsors = graphene.List(graphene.NonNull(Person), required=True)
    first_sponsor = graphene.Field(Person)

    @staticmethod
    def resolve_sponsors(bill, info):
        return info.context.people.load_many(bill["sponsor_ids"])

    @staticmethod
    async def resolve_first_sponsor(bill, info):
        people = await info.context.people.load_many(bill["sponsor_ids"][:1])
        return people[0]


class Query(graphene.ObjectType):
    bills = graphene.List(graphene.NonNull(Bill), required=True, count=graphene.Int(required=True))
    echo = graphene.String(value=graphene.String(required=True))
    person = graphene.Field(Person, id=graphene.ID(required=True))

    @staticmethod
    def resolve_bills(root, info, count):
        # Sponsors overlap between bills, as they do between ordinances.
        return [{"id": f"b{i}", "sponsor_ids": [f"p{i}", f"p{i + 1}", "p0"]} for i in range(count)]

    @staticmethod
    def resolve_echo(root, info, value):
        return info.context.call(value)

    @staticmethod
    def resolve_person(root, info, id):
        return info.context.people.load(id)


schema = graphene.Schema(query=Query)


def run(query, context=None):
    context = context or Context()
    result = run_execution(execute(schema.graphql_schema, parse(query), context_value=context,
                                   execution_context_class=BatchingExecutionContext), context.scheduler)
    return result, context


BILLS = "{ bills(count: COUNT) { id sponsors { name friends { name home { name } } } } }"


@pytest.mark.parametrize("count", [5, 20])
def test_sponsors_of_many_bills_are_fetched_in_one_call_per_level(count):
    result, context = run(BILLS.replace("COUNT", str(count)))
    assert result.errors is None
    assert len(result.data["bills"]) == count
    assert result.data["bills"][3]["sponsors"][0] == {
        "name": "Person p3", "friends": [{"name": "Person p3-friend", "home": {"name": "Place home-of-p3-friend"}}]}
    # sponsors, then their friends, then the friends' homes: three calls whatever the count.
    assert [kind for kind, _ in context.fetches] == ["people", "people", "places"]
    first_batch = context.fetches[0][1]
    assert len(first_batch) == len(set(first_batch)) == count + 1  # p0 is asked for once


def test_a_field_awaiting_a_load_in_an_async_resolver_is_batched_with_the_others():
    result, context = run("{ bills(count: 10) { firstSponsor { name } sponsors { id } } }")
    assert result.errors is None
    assert result.data["bills"][9]["firstSponsor"] == {"name": "Person p9"}
    assert [kind for kind, _ in context.fetches] == ["people"]


def test_independent_calls_go_out_in_the_same_dispatch():
    result, context = run('{ a: echo(value: "a") b: echo(value: "b") p: person(id: "p1") { name } }')
    assert result.data == {"a": "a", "b": "b", "p": {"name": "Person p1"}}
    assert context.scheduler.dispatches == 1


def test_an_error_raised_in_a_batch_becomes_a_graphql_error_of_each_waiting_field():
    context = Context(fail_people=NotFound("no such people; check the ids"))
    result, _ = run('{ person(id: "p1") { name } e: echo(value: "still here") }', context)
    assert result.data == {"person": None, "e": "still here"}
    assert len(result.errors) == 1
    formatted = format_error(result.errors[0])
    assert formatted["message"] == "no such people; check the ids"
    assert formatted["extensions"]["code"] == "NOT_FOUND"
    assert formatted["path"] == ["person"]


def test_an_error_in_a_batched_non_null_list_nulls_up_to_the_nearest_nullable_parent():
    context = Context(fail_people=RuntimeError("boom"))
    result, _ = run("{ bills(count: 3) { id } person(id: \"p1\") { name } }", context)
    assert result.data == {"bills": [{"id": "b0"}, {"id": "b1"}, {"id": "b2"}], "person": None}
    context = Context(fail_people=NotFound("gone"))
    result, _ = run("{ bills(count: 3) { sponsors { name } } }", context)
    assert result.data is None  # bills is non-null all the way up
    assert {format_error(e)["extensions"]["code"] for e in result.errors} == {"NOT_FOUND"}
    assert not any("TypeError" in e.message for e in result.errors)


def test_a_missing_entity_in_a_non_null_list_is_an_error_not_a_crash():
    result, _ = run('{ bills(count: 1) { id } person(id: "gone-1") { name } }')
    assert result.data == {"bills": [{"id": "b0"}], "person": None}
    assert result.errors is None


class Recorded(Loader):
    """Keys upper-cased ("x" is missing), each batch's keys kept in ``context.calls``."""

    def fetch(self, keys):
        self.context.calls.append(list(keys))
        return [k.upper() if k != "x" else None for k in keys]


class Plain:
    def __init__(self):
        self.scheduler = Scheduler()
        self.calls = []


def test_load_many_keeps_order_and_none_and_fetches_each_key_once():
    context = Plain()
    scheduler, calls = context.scheduler, context.calls
    loader = Recorded.of(context)
    assert Recorded.of(context) is loader  # one loader of a kind per request
    many = loader.load_many(["b", "a", "x", "b"])
    one = loader.load("a")
    assert scheduler.dispatch() is True
    assert (many.result(), one.result()) == (["B", "A", None, "B"], "A")
    assert calls == [["b", "a", "x"]]
    assert scheduler.dispatch() is False


class InFours(Loader):
    max_batch = 4

    def fetch(self, keys):
        self.context.calls.append(len(keys))
        return list(keys)


class ShortAnswer(Loader):
    def fetch(self, keys):
        return [1]


def test_batches_are_split_at_max_batch_and_a_short_answer_is_an_error():
    context = Plain()
    scheduler, sizes = context.scheduler, context.calls
    values = InFours.of(context).load_many(range(10))
    scheduler.dispatch()
    assert sizes == [4, 4, 2] and values.result() == list(range(10))
    pending = ShortAnswer.of(context).load_many(["a", "b"])
    scheduler.dispatch()
    with pytest.raises(RuntimeError, match="returned 1 values"):
        pending.result()


def test_join_and_then_pass_errors_on():
    ok, failing = Pending(), Pending()
    joined = join([ok, failing]).then(lambda values: values)
    failing.reject(ValueError("no"))
    ok.resolve(1)
    with pytest.raises(ValueError):
        joined.result()
    assert join([]).result() == []
    assert Pending.of(2).then(lambda v: v * 2).result() == 4
    assert isinstance(Pending.of(0).then(lambda v: 1 / v).error, ZeroDivisionError)


def test_a_run_waiting_on_nothing_says_so_instead_of_hanging():
    async def stuck():
        await Pending()
    with pytest.raises(RuntimeError, match="no loader will supply"):
        Scheduler().run(stuck())
