"""`clearinghouse`: the operators' command line.

  clearinghouse run                          the platform in the foreground (make run)
  clearinghouse keys create --role staff     print a new API key (and nothing else)
  clearinghouse sample load                  load the sample data set
  clearinghouse broker setup                 apply the broker definitions to AMQP_URI
  clearinghouse docs asyncapi                write docs/asyncapi.yaml from the event catalog
"""
import argparse
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from .config import Settings


def _rpc(settings, timeout=30):
    from nameko.standalone.rpc import ClusterRpcProxy
    return ClusterRpcProxy(settings.nameko_config(), timeout=timeout)


def keys_create(settings, args):
    from nameko.exceptions import UnknownService

    from .errors import ClearinghouseError
    try:
        with _rpc(settings) as rpc:
            key = rpc.members.create_api_key(args.role, args.owner)
    except ClearinghouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UnknownService:
        print(f"error: no members service answers on {settings.amqp_uri}; start the platform with `make run`",
              file=sys.stderr)
        return 1
    print(key["key"])
    return 0


def sample_load(settings, args):
    from .sample import load_all
    print("loaded: " + ", ".join(load_all(settings)))
    return 0


def broker_setup(settings, args):
    from . import broker
    broker.ensure_definitions(settings.amqp_uri)
    print(f"broker definitions applied to {settings.amqp_uri}")
    return 0


def docs_asyncapi(settings, args):
    from .asyncapi import write
    print(write(args.out))
    return 0


def run(settings, args):
    from .platform import run as run_platform
    return run_platform(settings)


def parser():
    p = argparse.ArgumentParser(prog="clearinghouse", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the platform in the foreground").set_defaults(func=run)
    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="create a key and print it")
    create.add_argument("--role", required=True, choices=["member", "partner", "staff"])
    create.add_argument("--owner", help="member or organisation id that owns the key")
    create.set_defaults(func=keys_create)
    sample = sub.add_parser("sample", help="sample data").add_subparsers(dest="action", required=True)
    sample.add_parser("load", help="load the sample data set").set_defaults(func=sample_load)
    brk = sub.add_parser("broker", help="RabbitMQ").add_subparsers(dest="action", required=True)
    brk.add_parser("setup", help="apply the broker definitions").set_defaults(func=broker_setup)
    docs = sub.add_parser("docs", help="generated documents").add_subparsers(dest="action", required=True)
    asyncapi = docs.add_parser("asyncapi", help="write the AsyncAPI document")
    asyncapi.add_argument("--out", default="docs/asyncapi.yaml")
    asyncapi.set_defaults(func=docs_asyncapi)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    sys.exit(args.func(settings, args) or 0)
