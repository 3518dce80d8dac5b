"""Hypothesis fuzzes each notifications RPC through the real broker: whatever a client
sends, a refused call raises one of our typed errors with a message (never INTERNAL) and
leaves the store as it was."""
import base64
import ipaddress

import pytest
from hypothesis import given, strategies as st

from clearinghouse.events import CATALOG
from services.notifications.service import NotificationsService
from tests.fuzz import FUZZ_MANY_RPCS, refused_changes_nothing, rpc_methods, snapshot_of
from tests.support import STAFF, member_caller, partner
from tests.support.notifications import as_staff

OWNER = "org_00000000000000aa"
# What a refused call must not touch (the event log is written by the service's own
# handlers after an accepted call, not by the call itself).
COLLECTIONS = ("subscriptions", "deliveries", "asks", "ask_emails", "counters", "ask_opt_outs")

junk = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40),
                 st.lists(st.text(max_size=8), max_size=3),
                 st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3))


def ids(prefix, known=()):
    return st.one_of(st.sampled_from([f"{prefix}_0123456789abcdef", *known]),
                     st.from_regex(rf"{prefix}_[0-9a-f]{{14,17}}\n?", fullmatch=True),
                     st.text(max_size=30), junk)


def callers(member_id=None):
    known = [None, STAFF, partner(OWNER), partner("org_00000000000000bb"), {"role": "public"}]
    if member_id:
        known.append(member_caller(member_id))
    return st.one_of(st.sampled_from(known), junk,
                     st.fixed_dictionaries({"role": st.sampled_from(["member", "partner", "staff", "root"])},
                                           optional={"owner_id": ids("org"), "owner_kind": junk, "admin": junk}))


hosts = st.one_of(st.text(min_size=1, max_size=80), st.sampled_from([
    "[::ffff:169.254.169.254]", "0xa9fea9fe", "a" * 64 + ".example", "bücher.example", "hooks.example",
    "[::1", "127.0.0.1:99999", "100.100.100.200"]))
urls = st.one_of(st.builds(lambda scheme, host: f"{scheme}://{host}/hook", st.sampled_from(["http", "https", "ftp"]),
                           hosts), st.text(max_size=60))
subscription_data = st.one_of(junk, st.fixed_dictionaries(
    {"channel": st.one_of(st.sampled_from(["webhook", "email", "bus"]), junk)},
    optional={"url": urls,
              "forward": st.one_of(junk, st.fixed_dictionaries(
                  {"uri": st.one_of(urls.map(lambda u: u.replace("http", "amqp", 1)), st.text(max_size=40)),
                   "exchange": st.one_of(st.text(max_size=20), junk)})), "email": st.one_of(st.emails(), st.text(max_size=40)),
              "event_types": st.one_of(st.lists(st.sampled_from([*CATALOG, "ordinance.eaten"]), max_size=3), junk),
              "issue_areas": st.one_of(st.lists(st.sampled_from(["minimum-wage", "free-ponies"]), max_size=2), junk),
              "states": st.one_of(st.lists(st.sampled_from(["pa", "az", "zz", "PA"]), max_size=3), junk),
              "mode": st.one_of(st.sampled_from(["realtime", "daily_digest", "hourly"]), junk),
              "colour": junk}))
ask_data = st.one_of(junk, st.fixed_dictionaries(
    {"issue_area": st.one_of(st.sampled_from(["minimum-wage", "free-ponies"]), junk)},
    optional={"subject": st.one_of(st.text(max_size=250), junk), "body": st.one_of(st.text(max_size=300), junk),
              "cc": junk}))
cursors = st.one_of(st.none(), st.text(max_size=60),
                    st.binary(max_size=40).map(lambda b: base64.urlsafe_b64encode(b).decode()), junk)
firsts = st.one_of(st.integers(-5, 200), junk)


def refused_changes_nothing_in(database, call):
    refused_changes_nothing(call, snapshot_of(database("notifications"), COLLECTIONS))


@pytest.fixture
def world(notifications, members, rpc, courier, partner_users):
    """One subscription, one member and one ask to aim at; names resolve to a public
    address without DNS (and must reach the resolver in ASCII)."""
    def resolve(host, port):
        assert host.isascii(), host
        return [ipaddress.ip_address("93.184.215.14")]
    courier.channels.guard.resolve = resolve
    member_id = rpc.members.create_member({"name": "Ana Asker", "status": "active"}, caller=STAFF)["id"]
    # filtered to an event no call here publishes, so no delivery is made behind a call's back
    sub = as_staff(rpc).create_subscription(OWNER, {"channel": "email", "email": "a@example.org",
                                                    "event_types": ["preemption.changed"]})
    ask = as_staff(rpc).post_ask(member_id, {"issue_area": "minimum-wage", "subject": "S", "body": "B"})
    return {"member": member_id, "sub": sub["subscription"]["id"], "ask": ask["id"]}


FUZZED = {"create_subscription", "rotate_secret", "set_subscription_active", "delete_subscription",
          "replay_deliveries", "list_subscriptions", "get_subscription", "list_deliveries",
          "post_ask", "answer_ask", "get_ask", "get_asks", "list_asks",
          "resolve_ask", "questions_of", "unsubscribe"}


def test_every_rpc_is_fuzzed():
    assert rpc_methods(NotificationsService) == FUZZED


@FUZZ_MANY_RPCS
@given(data=st.data())
def test_subscription_writes(world, rpc, database, data):
    sub_ids = ids("sub", [world["sub"]])
    caller = data.draw(callers())
    method = data.draw(st.sampled_from(["create", "rotate", "active", "delete", "replay"]))
    n = rpc.notifications
    calls = {
        "create": lambda: n.create_subscription(data.draw(ids("org")), data.draw(subscription_data), caller=caller),
        "rotate": lambda: n.rotate_secret(data.draw(sub_ids), caller=caller),
        "active": lambda: n.set_subscription_active(data.draw(sub_ids), data.draw(junk), caller=caller),
        "delete": lambda: n.delete_subscription(data.draw(sub_ids), caller=caller),
        "replay": lambda: n.replay_deliveries(data.draw(sub_ids), data.draw(st.one_of(junk, st.datetimes().map(str))),
                                              caller=caller),
    }
    refused_changes_nothing_in(database, calls[method])


@FUZZ_MANY_RPCS
@given(data=st.data())
def test_subscription_reads(world, rpc, database, data):
    sub_ids = ids("sub", [world["sub"]])
    caller = data.draw(callers())
    method = data.draw(st.sampled_from(["list", "get", "deliveries"]))
    n = rpc.notifications
    calls = {
        "list": lambda: n.list_subscriptions(data.draw(ids("org")), caller=caller),
        "get": lambda: n.get_subscription(data.draw(sub_ids), caller=caller),
        "deliveries": lambda: n.list_deliveries(data.draw(sub_ids), status=data.draw(st.one_of(
            st.sampled_from(["pending", "PARKED", "lost"]), junk)), first=data.draw(firsts),
            after=data.draw(cursors), caller=caller),
    }
    refused_changes_nothing_in(database, calls[method])


@FUZZ_MANY_RPCS
@given(data=st.data())
def test_asks(world, rpc, database, data):
    ask_ids = ids("ask", [world["ask"]])
    member_ids = ids("mem", [world["member"]])
    caller = data.draw(callers(world["member"]))
    method = data.draw(st.sampled_from(["post", "answer", "get", "get_many", "list"]))
    n = rpc.notifications
    calls = {
        "post": lambda: n.post_ask(data.draw(member_ids), data.draw(ask_data), caller=caller),
        "answer": lambda: n.answer_ask(data.draw(ask_ids), data.draw(member_ids),
                                       data.draw(st.one_of(st.text(max_size=300), junk)), caller=caller),
        "get": lambda: n.get_ask(data.draw(ask_ids), caller=caller),
        "get_many": lambda: n.get_asks(data.draw(st.one_of(st.lists(ask_ids, max_size=4), junk)), caller=caller),
        "list": lambda: n.list_asks(issue_area=data.draw(st.one_of(st.sampled_from(["minimum-wage", "x"]), junk)),
                                    first=data.draw(firsts), after=data.draw(cursors), caller=caller),
    }
    refused_changes_nothing_in(database, calls[method])


@FUZZ_MANY_RPCS
@given(data=st.data())
def test_the_listserv(world, rpc, database, data):
    """Resolving an unanswered ask is refused whoever asks; unsubscribe tokens must be signed."""
    ask_ids = ids("ask", [world["ask"]])
    caller = data.draw(callers(world["member"]))
    method = data.draw(st.sampled_from(["resolve", "questions", "unsubscribe"]))
    n = rpc.notifications
    tokens = st.one_of(st.from_regex(r"[0-9a-f]{16}-[0-9a-f]{16}-[0-9a-f]{32}\n?", fullmatch=True),
                       st.text(max_size=120), junk)
    calls = {
        "resolve": lambda: n.resolve_ask(data.draw(ask_ids), data.draw(st.one_of(st.integers(-2, 3), junk)),
                                         data.draw(st.one_of(st.sampled_from(["minimum-wage-model", "x\ny"]), junk)),
                                         caller=caller),
        "questions": lambda: n.questions_of(data.draw(st.one_of(st.lists(st.text(max_size=20), max_size=3), junk)),
                                            limit=data.draw(firsts), caller=caller),
        "unsubscribe": lambda: n.unsubscribe(data.draw(tokens), caller=caller),
    }
    refused_changes_nothing_in(database, calls[method])
