"""The index follows the owners' events on a real broker: members and toolkits run as
real services; events are also republished by hand, twice and out of order."""
import contextlib
import json
import urllib.request

import kombu
from eventlet.event import Event
import pytest
from elasticsearch import BadRequestError
from nameko.testing.services import entrypoint_waiter
from prometheus_client import REGISTRY

from clearinghouse.errors import Unauthenticated
from services.search import index
from services.toolkits.service import ToolkitsService
from tests.support import PGH, wait_until


@pytest.fixture
def toolkits(start_service):
    return start_service(ToolkitsService)


@pytest.fixture
def member_events(event_tap):
    return event_tap("members.events")


def republish(amqp_uri, exchange, events):
    with kombu.Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        for event in events:
            producer.publish(event, exchange=kombu.Exchange(exchange, type="topic", durable=True),
                             routing_key=event["type"])


def batch_outcomes(worker_ctx, result, exc_info):
    """(event, outcome) for each event of a batch search's on_event handled without error."""
    if exc_info is not None or not worker_ctx.args:
        return []
    return [(event, got) for event, got in zip(worker_ctx.args[0], result) if isinstance(event, dict)]


@contextlib.contextmanager
def handled(search, events, outcome):
    """After the block, wait until search's ``on_event`` has handled each of ``events`` (a
    duplicate counts each time) with ``outcome``."""
    waiting = [event["id"] for event in events]

    def done(worker_ctx, result, exc_info):
        for event, got in batch_outcomes(worker_ctx, result, exc_info):
            if got == outcome and event.get("id") in waiting:
                waiting.remove(event["id"])
        return not waiting
    with entrypoint_waiter(search, "on_event", callback=done):
        yield


@contextlib.contextmanager
def handled_types(search, event_types, outcomes=("indexed", "hidden", "stale")):
    """After the block, wait until search's ``on_event`` has handled an event of each of
    ``event_types`` (a type named twice: two) with one of ``outcomes``: the events the block's
    writes caused, whose ids are not known before it."""
    waiting = list(event_types)

    def done(worker_ctx, result, exc_info):
        for event, got in batch_outcomes(worker_ctx, result, exc_info):
            if got in outcomes and event.get("type") in waiting:
                waiting.remove(event["type"])
        return not waiting
    with entrypoint_waiter(search, "on_event", callback=done):
        yield


@contextlib.contextmanager
def retried(search, event, times=1):
    """After the block, wait until search's ``on_event`` has failed on ``event`` ``times``
    times (each time it goes back on its queue)."""
    failures = []

    def done(worker_ctx, result, exc_info):
        if exc_info is not None and any(e.get("id") == event["id"] for e in worker_ctx.args[0]
                                        if isinstance(e, dict)):
            failures.append(exc_info)
        return len(failures) >= times
    with entrypoint_waiter(search, "on_event", callback=done):
        yield


def consumed(event_type, outcome):
    return REGISTRY.get_sample_value("clearinghouse_search_events_total",
                                     {"event_type": event_type, "outcome": outcome}) or 0


def stored(es, settings, kind, entity_id):
    return es.options(ignore_status=404).get(index=settings.database_name("search"), id=index.key(kind, entity_id))


def ids(result):
    return [edge["node"]["id"] for edge in result["edges"]]


def found(rpc, text, entity_id, **kwargs):
    return entity_id in ids(rpc.search.query(text, **kwargs))


def test_a_member_is_searchable_soon_after_joining(members, search, rpc, staff):
    observed = REGISTRY.get_sample_value("clearinghouse_search_event_to_searchable_seconds_count",
                                         {"event_type": "member.joined"}) or 0
    with handled_types(search, ["member.joined"], outcomes=("indexed",)):
        member = staff.members.create_member({"name": "Deb Gross", "status": "active", "bio": "Paid sick days"})
    assert found(rpc, "deb gross", member["id"])
    assert REGISTRY.get_sample_value("clearinghouse_search_event_to_searchable_seconds_count",
                                     {"event_type": "member.joined"}) == observed + 1


def test_a_duplicate_event_changes_nothing(members, search, rpc, es, search_settings, member_events, amqp_uri, staff):
    with handled_types(search, ["member.joined"], outcomes=("indexed",)):
        member = staff.members.create_member({"name": "Ann Twice", "status": "active"})
    assert found(rpc, "ann twice", member["id"])
    before = stored(es, search_settings, "member", member["id"])
    stale = consumed("member.joined", "stale")
    joined = member_events.wait_for(1)[0]
    with handled(search, [joined, joined], "stale"):
        republish(amqp_uri, "members.events", [joined, joined])
    assert consumed("member.joined", "stale") == stale + 2
    after = stored(es, search_settings, "member", member["id"])
    assert (after["_version"], after["_seq_no"]) == (before["_version"], before["_seq_no"]) == (1, before["_seq_no"])


def test_events_out_of_order_never_bring_back_an_older_state(members, search, rpc, es, search_settings,
                                                             member_events, amqp_uri, staff):
    # the first deliveries are all handled (some as stale) before the republished ones count
    with handled_types(search, ["member.joined", "member.updated", "member.updated"], outcomes=("indexed", "stale")):
        member = staff.members.create_member({"name": "Ann Old", "status": "active"})
        staff.members.update_member(member["id"], {"name": "Ann New"})
        staff.members.update_member(member["id"], {"bio": "Tenant organiser"})
    assert stored(es, search_settings, "member", member["id"]).get("_version") == 3
    before = stored(es, search_settings, "member", member["id"])
    events = member_events.wait_for(3)
    assert [e["data"]["version"] for e in events] == [1, 2, 3]
    stale = consumed("member.joined", "stale") + consumed("member.updated", "stale")
    with handled(search, events, "stale"):
        republish(amqp_uri, "members.events", list(reversed(events)))
    assert consumed("member.joined", "stale") + consumed("member.updated", "stale") == stale + 3
    after = stored(es, search_settings, "member", member["id"])
    assert after["_seq_no"] == before["_seq_no"]
    assert after["_source"]["title"] == "Ann New" and after["_source"]["version"] == 3
    assert found(rpc, "ann new", member["id"]) and not found(rpc, '"ann old"', member["id"])


def test_a_stale_write_is_refused_by_the_engine(search, raw_index, rpc):
    new = {"id": "mem_00000000000000aa", "name": "Newer Name", "status": "active", "version": 3}
    old = {**new, "name": "Older Name", "version": 2}
    assert raw_index.write(index.document("member", new, new["id"], 3), 3) is True
    assert raw_index.write(index.document("member", old, old["id"], 2), 2) is False
    assert raw_index.write(index.document("member", new, new["id"], 3), 3) is False
    assert ids(rpc.search.query("newer name")) == [new["id"]]
    assert ids(rpc.search.query('"older name"')) == []


def test_a_member_who_leaves_is_hidden_and_found_again_on_return(members, search, rpc, es, search_settings, staff):
    with handled_types(search, ["member.joined"], outcomes=("indexed",)):
        member = staff.members.create_member({"name": "Casey Moreno", "status": "active"})
    assert found(rpc, "casey moreno", member["id"])
    with handled_types(search, ["member.left"], outcomes=("hidden",)):
        staff.members.update_member(member["id"], {"status": "alumni"})
    assert not found(rpc, "casey moreno", member["id"])
    assert stored(es, search_settings, "member", member["id"])["_source"] == {
        "key": f"member:{member['id']}", "type": "member", "id": member["id"], "version": 2, "visible": False}
    assert rpc.search.suggest("casey") == []
    with handled_types(search, ["member.updated"], outcomes=("indexed",)):
        staff.members.update_member(member["id"], {"status": "active"})
    assert found(rpc, "casey moreno", member["id"])


def test_no_private_field_is_ever_in_the_index(members, search, rpc, es, search_settings, staff):
    with handled_types(search, ["member.joined", "member.updated"], outcomes=("indexed", "stale")):
        member = staff.members.create_member(
            {"name": "Pat Private", "status": "active", "email": "pat.private@example.org", "phone": "555-0199",
             "offices": [{"role": "Councilmember", "body": "City Council", "jurisdiction": PGH}]})
        staff.members.update_member(member["id"], {"email": "pat.new@example.org"})
    assert stored(es, search_settings, "member", member["id"]).get("_version") == 2
    rpc.search.rebuild()
    alias = search_settings.database_name("search")
    raw = b""
    for path in (f"{alias}/_search?size=1000&version=true", f"{alias}/_mapping"):
        # read the index as stored, over plain HTTP, not through our code
        with urllib.request.urlopen(f"{search_settings.elasticsearch_url}/{path}") as resp:
            raw += resp.read()
    assert b"Pat Private" in raw
    for secret in (b"pat.private@example.org", b"pat.new@example.org", b"555-0199", b'"email"', b'"phone"'):
        assert secret not in raw
    mapping = json.loads(urllib.request.urlopen(f"{search_settings.elasticsearch_url}/{alias}/_mapping").read())
    assert next(iter(mapping.values()))["mappings"]["dynamic"] == "strict"
    with pytest.raises(BadRequestError):  # the engine itself refuses a field nobody mapped
        es.index(index=alias, id="member:x", document={"key": "member:x", "email": "x@example.org"})


# -- toolkits and ordinances, from the real toolkits service -------------------------------------

def toolkit_data(**extra):
    return {"slug": "transfer-tax", "title": "Real estate transfer tax", "issue_area": "real-estate-transfer-tax",
            "summary": "Fund affordable housing with a tax on big property sales.", **extra}


def test_a_toolkit_is_searchable_once_published_and_shows_its_published_version(toolkits, search, rpc, staff):
    # the ordinance's event came after the toolkit's creation (which emits nothing)
    with handled_types(search, ["ordinance.recorded"], outcomes=("indexed",)):
        staff.toolkits.create_toolkit(toolkit_data())
        staff.toolkits.record_ordinance({"title": "Marker ordinance", "jurisdiction": PGH,
                                         "issue_area": "minimum-wage"})
    assert rpc.search.query("marker ordinance")["edges"]
    assert not found(rpc, "transfer tax", "transfer-tax")
    with handled_types(search, ["toolkit.published"], outcomes=("indexed",)):
        staff.toolkits.publish_toolkit("transfer-tax", change_note="First")
    assert found(rpc, "transfer tax", "transfer-tax")
    with handled_types(search, ["toolkit.revised", "ordinance.recorded"]):
        staff.toolkits.revise_toolkit("transfer-tax", {"summary": "A mansion tax edition"})
        staff.toolkits.record_ordinance({"title": "Second marker", "jurisdiction": PGH, "issue_area": "minimum-wage"})
    assert rpc.search.query("second marker")["edges"]
    assert not found(rpc, "mansion", "transfer-tax")  # a draft is not searchable
    with handled_types(search, ["toolkit.published"], outcomes=("indexed",)):
        staff.toolkits.publish_toolkit("transfer-tax")
    assert found(rpc, "mansion", "transfer-tax")
    node = next(e["node"] for e in rpc.search.query("mansion")["edges"] if e["node"]["id"] == "transfer-tax")
    assert (node["type"], node["version"], node["status"]) == ("toolkit", 2, "published")


def test_an_archived_toolkit_is_hidden(toolkits, search, rpc, staff):
    with handled_types(search, ["toolkit.published"], outcomes=("indexed",)):
        staff.toolkits.create_toolkit(toolkit_data())
        staff.toolkits.publish_toolkit("transfer-tax")
    assert found(rpc, "transfer tax", "transfer-tax")
    with handled_types(search, ["toolkit.archived"], outcomes=("hidden",)):
        staff.toolkits.archive_toolkit("transfer-tax")
    assert not found(rpc, "transfer tax", "transfer-tax")
    assert rpc.search.suggest("real estate") == []


def test_an_ordinance_is_found_by_its_current_status(toolkits, search, rpc, staff):
    with handled_types(search, ["ordinance.recorded"], outcomes=("indexed",)):
        recorded = staff.toolkits.record_ordinance(
            {"title": "Paid Sick Days Act", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
             "actions": [{"type": "introduced", "date": "2015-05-01", "note": "Introduced by Councilmember Gross"}]})
    assert found(rpc, "sick days", recorded["id"], filter={"status": "introduced"})
    with handled_types(search, ["ordinance.status_changed"], outcomes=("indexed",)):
        staff.toolkits.record_action(recorded["id"], {"type": "passed", "date": "2015-08-03"})
    assert found(rpc, "", recorded["id"], filter={"status": "passed", "state": "pa"})
    assert not found(rpc, "sick days", recorded["id"], filter={"status": "introduced"})
    facets = {f["field"]: f["buckets"] for f in rpc.search.query("gross")["facets"]}
    assert facets["status"] == [{"value": "passed", "count": 1}]
    assert facets["issue_area"] == [{"value": "paid-sick-leave", "count": 1}]


def test_every_ordinance_status_the_toolkits_service_defines_is_a_filter_value(toolkits, search, rpc):
    statuses = [d["status"] for d in rpc.toolkits.status_definitions()]
    assert statuses and set(statuses) <= set(index.ORDINANCE_STATUSES)
    for status in statuses:
        rpc.search.query("", filter={"status": status})


# -- asks, from the real notifications service ---------------------------------------------------

def test_an_ask_and_its_answers_are_searchable(members, start_service, search, rpc, staff):
    from services.notifications.service import NotificationsService
    start_service(NotificationsService)
    author = staff.members.create_member({"name": "Ann Asker", "status": "active"})
    with handled_types(search, ["ask.posted"], outcomes=("indexed",)):
        ask = staff.notifications.post_ask(author["id"], {"issue_area": "real-estate-transfer-tax",
                                                        "subject": "Has anyone passed a mansion tax?",
                                                        "body": "We are drafting one in Philadelphia."})
    assert found(staff, "mansion tax", ask["id"], filter={"status": "open"})
    with handled_types(search, ["ask.answered"], outcomes=("indexed",)):
        staff.notifications.answer_ask(ask["id"], author["id"], "Los Angeles did, by ballot measure ULA.")
    assert found(staff, "ballot measure", ask["id"], types=["ask"], filter={"status": "answered"})
    node = staff.search.query("ballot measure", types=["ask"])["edges"][0]["node"]
    assert (node["type"], node["answer_count"], node["author_id"]) == ("ask", 1, author["id"])
    # asks are for members, partners and staff: search itself keeps them from the public
    assert not found(rpc, "ballot measure", ask["id"])
    assert ask["id"] not in {s["id"] for s in rpc.search.suggest("Has anyone")}
    with pytest.raises(Unauthenticated):
        rpc.search.query("ballot measure", types=["ask"])
    member = {"role": "member", "owner_id": author["id"], "owner_kind": "member"}
    assert found(rpc, "ballot measure", ask["id"], caller=member)


def test_an_event_waits_while_the_index_is_missing_and_is_applied_once_it_is_back(members, search, raw_index,
                                                                                   es, search_settings, amqp_uri):
    from clearinghouse.events import cloudevent
    for name in raw_index.indices(raw_index.alias):  # as if the engine lost it
        es.indices.delete(index=name)
    event = cloudevent("member.updated", "member/mem_00000000000000ee",
                       {"id": "mem_00000000000000ee", "version": 2, "name": "Nobody", "status": "active"})
    retries = consumed("member.updated", "retried")
    with retried(search, event, times=2):  # two attempts while it is missing
        republish(amqp_uri, "members.events", [event])
    assert consumed("member.updated", "retried") >= retries + 2
    # the event carries the member's public view: indexed from it, at its version
    with handled(search, [event], "indexed"):
        assert raw_index.ensure() is True  # the live index again, empty
    assert stored(es, search_settings, "member", "mem_00000000000000ee").get("_version") == 2


# -- batches ------------------------------------------------------------------------------------

class StopsAfterWriting:
    """The real repository, but the first batch it writes stops its worker for good right
    after the write (before the batch is acknowledged), and says so."""

    def __init__(self, repository, written):
        self.repository, self.written = repository, written

    def write_many(self, docs_and_versions):
        outcomes = self.repository.write_many(docs_and_versions)
        if not self.written.ready():
            self.written.send(len(docs_and_versions))
            Event().wait()  # never returns: the container is killed here
        return outcomes

    def __getattr__(self, name):
        return getattr(self.repository, name)


def test_a_crash_between_writing_a_batch_and_acknowledging_it_loses_nothing(start_service, search, rpc, amqp_uri):
    from clearinghouse.events import cloudevent
    from services.search.repository import SearchEngine
    from services.search.service import SearchService
    written = Event()

    class Engine(SearchEngine):
        def get_dependency(self, worker_ctx):
            return StopsAfterWriting(self.repository, written)

    class CrashingSearch(SearchService):
        engine = Engine()

    search.kill()  # a search process that crashes mid-batch takes over the queues
    crashing = start_service(CrashingSearch)
    events = [cloudevent("member.joined", f"member/mem_{i:016x}",
                         {"id": f"mem_{i:016x}", "version": 1, "name": f"Batch Member{i:02d}", "status": "active"})
              for i in range(30)]
    stale = consumed("member.joined", "stale")
    republish(amqp_uri, "members.events", events)
    in_the_batch = written.wait()
    crashing.kill()  # after the bulk write, before its batch is acknowledged
    start_service(SearchService)
    # the crashed batch is delivered again (nothing of it was acknowledged): its events are
    # written a second time and change nothing, and every event is searchable
    wait_until(lambda: consumed("member.joined", "stale") >= stale + in_the_batch, timeout=30,
               message=f"the {in_the_batch} events of the crashed batch delivered again")
    wait_until(lambda: rpc.search.query("", types=["member"], first=0)["total_count"] == 30, timeout=30,
               message="all 30 members searchable")
    assert sorted(ids(rpc.search.query("batch member", types=["member"], first=50))) == \
        sorted(e["data"]["id"] for e in events)


def test_one_batch_is_one_bulk_request_with_duplicates_and_older_versions_changing_nothing(search, rpc, es,
                                                                                       search_settings, amqp_uri):
    from clearinghouse.events import cloudevent

    def member(version, name):
        return cloudevent("member.updated", "member/mem_00000000000000ab",
                          {"id": "mem_00000000000000ab", "version": version, "name": name, "status": "active"})
    newest = member(3, "Newest Name")
    batch = [member(2, "Older Name"), newest, newest, member(1, "Oldest Name")]
    outcomes = []

    def done(worker_ctx, result, exc_info):
        outcomes.extend(got for _, got in batch_outcomes(worker_ctx, result, exc_info))
        return len(outcomes) >= len(batch)
    with entrypoint_waiter(search, "on_event", callback=done, timeout=30):
        republish(amqp_uri, "members.events", batch)
    assert outcomes.count("indexed") <= 2 and "indexed" in outcomes  # the newest always wins
    held = stored(es, search_settings, "member", "mem_00000000000000ab")
    assert held["_version"] == 3 and held["_source"]["node"]["name"] == "Newest Name"
    assert ids(rpc.search.query('"older name"')) == [] and ids(rpc.search.query('"oldest name"')) == []
