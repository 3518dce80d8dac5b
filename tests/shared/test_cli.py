"""The operators' CLI against a running service: `keys create` prints the key and nothing
else; a service that is not running or refuses the call is said plainly, with an exit code."""
import argparse

from clearinghouse import cli
from services.members.service import MembersService


def test_keys_create_prints_only_a_key_that_authenticates(container_factory, settings, rpc, capsys):
    container_factory(MembersService, settings.nameko_config()).start()
    code = cli.keys_create(settings, argparse.Namespace(role="staff", owner=None))
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    key = out.strip()
    assert out == key + "\n"
    assert rpc.members.authenticate(key)["role"] == "staff"


def test_a_refused_call_and_a_missing_service_say_what_to_do(container_factory, settings, capsys):
    assert cli.keys_create(settings, argparse.Namespace(role="staff", owner=None)) == 1
    assert "no members service answers" in capsys.readouterr().err
    container_factory(MembersService, settings.nameko_config()).start()
    assert cli.keys_create(settings, argparse.Namespace(role="staff", owner="mem_0123456789abcdef")) == 2
    assert "neither an existing member nor an organisation" in capsys.readouterr().err
