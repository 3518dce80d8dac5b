"""The operators' CLI against a running service: `keys create` prints the key and nothing
else; a service that is not running or refuses the call is said plainly, with an exit code."""
import argparse

import pytest

from ops import cli
from clearinghouse.errors import Unauthenticated
from services.members.service import MembersService


def test_keys_create_prints_only_a_key_that_authenticates(start_service, settings, rpc, capsys):
    start_service(MembersService)
    code = cli.keys_create(settings, argparse.Namespace(role="staff", owner=None))
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    key = out.strip()
    assert out == key + "\n"
    assert rpc.members.authenticate(key)["role"] == "staff"


def test_a_refused_call_and_a_missing_service_say_what_to_do(start_service, settings, capsys):
    assert cli.keys_create(settings, argparse.Namespace(role="staff", owner=None)) == 1
    assert "no members service answers" in capsys.readouterr().err
    start_service(MembersService)
    assert cli.keys_create(settings, argparse.Namespace(role="staff", owner="mem_0123456789abcdef")) == 2
    assert "neither an existing member nor an organisation" in capsys.readouterr().err


def test_keys_list_shows_every_key_without_its_secret_and_revoke_stops_it(start_service, settings, rpc,
                                                                           capsys):
    start_service(MembersService)
    cli.keys_create(settings, argparse.Namespace(role="staff", owner=None))
    key = capsys.readouterr().out.strip()
    key_id = rpc.members.authenticate(key)["key_id"]

    assert cli.keys_list(settings, argparse.Namespace()) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "id\trole\towner\tcreated\trevoked"
    assert out.splitlines()[1].startswith(f"{key_id}\tstaff\t-\t") and out.splitlines()[1].endswith("\t-")
    assert key not in out

    assert cli.keys_revoke(settings, argparse.Namespace(key_id=key_id)) == 0
    assert capsys.readouterr().out.startswith(f"revoked {key_id} at ")
    with pytest.raises(Unauthenticated, match="revoked"):
        rpc.members.authenticate(key)
    assert cli.keys_revoke(settings, argparse.Namespace(key_id=key_id)) == 2
    assert "already revoked" in capsys.readouterr().err
    assert cli.keys_revoke(settings, argparse.Namespace(key_id="nonsense")) == 2
    assert "not a valid id" in capsys.readouterr().err


def test_keys_commands_are_wired_to_the_parser():
    assert cli.parser().parse_args(["keys", "revoke", "key_0123456789abcdef"]).func is cli.keys_revoke
    assert cli.parser().parse_args(["keys", "list"]).func is cli.keys_list


def test_events_unrouted_lists_then_replays_what_the_broker_kept(settings, capsys):
    import json

    import kombu

    from clearinghouse import broker
    from clearinghouse.events import cloudevent
    from tests.support import wait_until

    early = cloudevent("toolkit.published", "toolkit/model-1", {"slug": "model-1", "version": 1})
    with kombu.Connection(settings.amqp_uri) as conn:  # published while nobody listens
        exchange = kombu.Exchange("toolkits.events", type="topic", durable=True)
        kombu.Producer(conn.default_channel).publish(json.dumps(early), exchange=exchange, declare=[exchange],
                                                     routing_key="toolkit.published", delivery_mode=2)
        listener = kombu.Queue("listener", exchange=exchange, routing_key="#", channel=conn.default_channel)
        kept = kombu.Queue(broker.UNROUTED, channel=conn.default_channel)
        wait_until(lambda: kept.queue_declare(passive=True).message_count == 1, message="the event kept")
        listing = argparse.Namespace(action="unrouted", replay=False, limit=100)
        assert cli.events_kept(settings, listing) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0] == f"1 in {broker.UNROUTED}"
        assert f"{early['id']}  toolkit.published  toolkit/model-1  unrouted" in out
        listener.declare()  # a consumer's queue is bound now
        assert cli.events_kept(settings, argparse.Namespace(action="unrouted", replay=True, limit=100)) == 0
        assert capsys.readouterr().out == f"replayed 1 from {broker.UNROUTED}\n"
        message = wait_until(lambda: listener.get(no_ack=True), message="the replayed event")
        assert json.loads(message.body)["id"] == early["id"]


def test_events_dead_letters_on_a_broker_without_the_definitions_says_what_to_do(settings, capsys):
    from clearinghouse import broker
    vhost = broker._parts(settings.amqp_uri)[3]
    broker.management_request(settings.amqp_uri, "DELETE", f"queues/{vhost}/{broker.DEAD_LETTERS}")
    assert cli.events_kept(settings, argparse.Namespace(action="dead-letters", replay=False, limit=100)) == 1
    assert "clearinghouse broker setup" in capsys.readouterr().err
