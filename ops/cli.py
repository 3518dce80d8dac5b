"""`clearinghouse`: the operators' command line.

  clearinghouse run [--replicas N]           the platform in the foreground (make run)
  clearinghouse keys create --role staff     print a new API key (and nothing else)
  clearinghouse keys list                    every key: id, role, owner, created, revoked
  clearinghouse keys revoke KEY_ID           revoke a key (gateways refuse it within seconds)
  clearinghouse sample load                  load the sample data set
  clearinghouse broker setup                 apply the broker definitions to AMQP_URI
  clearinghouse docs asyncapi                write docs/asyncapi.yaml from the event catalog
  clearinghouse search rebuild               reindex search from the owners (progress on stderr)
  clearinghouse deliveries replay SUB --since 2026-01-31T00:00:00Z
                                             queue a subscription's deliveries again
  clearinghouse import openstates --state oh --issue-area minimum-wage [--session 2025-2026] [--query TEXT]
                                             state bills from Open States (OPENSTATES_API_KEY) into the
                                             preemption bill watch
  clearinghouse export ordinances.csv [--out FILE] [--state pa] [--issue-area ...]
                                             a bulk export (as /export/ serves it), as STAFF
"""
import argparse
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from clearinghouse.config import MAX_REPLICAS, Settings


def _rpc(settings, timeout=30):
    from nameko.standalone.rpc import ClusterRpcProxy
    return ClusterRpcProxy(settings.nameko_config(), timeout=timeout)


def _on_service(settings, service, action):
    """``action(rpc)``'s exit code; a service that is not running, or that refuses the
    call, is said on stderr with what to do."""
    from nameko.exceptions import UnknownService

    from clearinghouse.errors import ClearinghouseError
    try:
        with _rpc(settings) as rpc:
            return action(rpc)
    except ClearinghouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UnknownService:
        print(f"error: no {service} service answers on {settings.amqp_uri}; start the platform with `make run`",
              file=sys.stderr)
        return 1


# The CLI is the operators' tool: it acts as staff.
STAFF = {"role": "staff"}


def keys_create(settings, args):
    def create(rpc):
        print(rpc.members.create_api_key(args.role, args.owner, caller=STAFF)["key"])
        return 0
    return _on_service(settings, "members", create)


def keys_list(settings, args):
    def list_keys(rpc):
        after = None
        print("id\trole\towner\tcreated\trevoked")
        while True:
            page = rpc.members.list_api_keys(first=100, after=after, caller=STAFF)
            for key in (edge["node"] for edge in page["edges"]):
                print("\t".join([key["id"], key["role"], key["owner_id"] or "-", key["created_at"],
                                 key["revoked_at"] or "-"]))
            if not page["page_info"]["has_next_page"]:
                return 0
            after = page["page_info"]["end_cursor"]
    return _on_service(settings, "members", list_keys)


def keys_revoke(settings, args):
    def revoke(rpc):
        key = rpc.members.revoke_api_key(args.key_id, caller=STAFF)
        print(f"revoked {key['id']} at {key['revoked_at']}")
        return 0
    return _on_service(settings, "members", revoke)


def sample_load(settings, args):
    from .sample import load_all
    print("loaded: " + ", ".join(load_all(settings)))
    return 0


def broker_setup(settings, args):
    from clearinghouse import broker
    broker.ensure_definitions(settings.amqp_uri)
    print(f"broker definitions applied to {settings.amqp_uri}")
    return 0


def docs_asyncapi(settings, args):
    from clearinghouse.asyncapi import write
    print(write(args.out))
    return 0


def _rebuild_bar(status, width=30) -> str:
    totals = {k: t for k, t in status.get("totals", {}).items() if t is not None}
    indexed = status.get("indexed", {})
    total = sum(totals.values())
    done = sum(min(indexed.get(k, 0), t) for k, t in totals.items())
    fraction = 1.0 if status["state"] != "running" else (done / total if total else 0.0)
    per_type = "  ".join(f"{k} {indexed.get(k, 0)}/{totals.get(k, '?')}" for k in indexed)
    return f"\rsearch rebuild [{'#' * int(fraction * width):<{width}}] {fraction:4.0%}  {per_type}"


def search_rebuild(settings, args):
    """Start a rebuild on the running search service and draw its progress until done."""
    import time

    def rebuild(rpc):
        status = rpc.search.start_rebuild()
        while status["state"] == "running":
            print(_rebuild_bar(status), end="", file=sys.stderr, flush=True)
            time.sleep(0.2)
            status = rpc.search.rebuild_status()
        print(_rebuild_bar(status), file=sys.stderr)
        if status["state"] != "done":
            print(f"error: the rebuild failed ({status.get('error')}); the old index still answers", file=sys.stderr)
            return 1
        print("indexed: " + ", ".join(f"{k} {n}" for k, n in status["indexed"].items()))
        for kind, why in status["skipped"].items():
            print(f"skipped: {kind} ({why}); kept {status['kept'].get(kind, 0)} from the old index")
        return 0
    return _on_service(settings, "search", rebuild)


def deliveries_replay(settings, args):
    def replay(rpc):
        queued = rpc.notifications.replay_deliveries(args.subscription, args.since, caller=STAFF)
        print(f"queued {queued} deliveries of {args.subscription} since {args.since}")
        return 0
    return _on_service(settings, "notifications", replay)


def export(settings, args):
    """Write an export (gateway.export: the same stream the gateway serves) to --out or stdout."""
    from clearinghouse import rpc as calls
    from gateway import export as exports
    given = {name: value for name, value in (("issueArea", args.issue_area), ("state", args.state),
                                             ("jurisdiction", args.jurisdiction), ("status", args.status))
             if value is not None}
    allowed = exports.EXPORTS.get(args.name, ((),))[0]
    if set(given) - set(allowed):
        print(f"error: {args.name} takes no {', '.join(sorted(set(given) - set(allowed)))} filter", file=sys.stderr)
        return 2

    def write(rpc):
        def call(service, method, *a, **k):
            return calls.call(getattr(rpc, service), method, *a, timeout=settings.rpc_timeout, **k)
        if args.name == "codebook":
            import json
            chunks = [json.dumps(exports.codebook(call, STAFF), indent=2).encode() + b"\n"]
        else:
            chunks = exports.open_export(call, STAFF, args.name, given)
        out = open(args.out, "wb") if args.out else sys.stdout.buffer
        try:
            for chunk in chunks:
                out.write(chunk)
        finally:
            if args.out:
                out.close()
        return 0
    return _on_service(settings, "toolkits", write)


def events_kept(settings, args):
    """List the dead letters or the unrouted events, or replay them (--replay)."""
    from clearinghouse import broker
    queue = broker.DEAD_LETTERS if args.action == "dead-letters" else broker.UNROUTED
    try:
        return _kept(settings, args, queue)
    except broker.BrokerUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _kept(settings, args, queue):
    from clearinghouse import letters
    if args.replay:
        replayed, left = letters.replay(settings.amqp_uri, queue)
        print(f"replayed {replayed} from {queue}" + (f"; {left} left (their way back is unknown)" if left else ""))
        return 0
    kept = letters.listed(settings.amqp_uri, queue, args.limit)
    print(f"{len(kept)} in {queue}" + (" (the first ones)" if len(kept) == args.limit else ""))
    for event in kept:
        where = event["queue"] or event["routing_key"]
        print(f"{event['id'] or '?'}  {event['type'] or '?'}  {event['subject'] or ''}  {event['reason']}  {where}")
    return 0


def status(settings, args):
    """Every process's readiness as a table; exit 1 unless all are ready."""
    from .status import table
    text, all_ready = table(settings)
    print(text)
    return 0 if all_ready else 1


def import_openstates(settings, args):
    from .openstates import BASE_URL, OpenStatesClient, OpenStatesError, import_bills
    would_void = [{"jurisdiction": j, "issue_area": area} for j in args.would_void for area in args.issue_area]
    try:
        client = OpenStatesClient(settings.openstates_api_key, base_url=args.base_url or BASE_URL)
    except OpenStatesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def run_import(rpc):
        try:
            counts = import_bills(client, rpc.toolkits, state=args.state, issue_areas=args.issue_area,
                                  would_void=would_void, session=args.session, q=args.query,
                                  subject=args.subject, updated_since=args.updated_since, caller=STAFF)
        except OpenStatesError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for refusal in counts["refusals"]:
            print(f"refused {refusal}", file=sys.stderr)
        print(f"{counts['seen']} bills seen, {counts['recorded']} recorded, {counts['refused']} refused")
        return 1 if counts["refused"] else 0
    return _on_service(settings, "toolkits", run_import)


def run(settings, args):
    from .runner import run as run_platform
    if args.replicas is not None:
        settings = settings.replace(replicas=args.replicas)
    return run_platform(settings)


def replica_count(value: str) -> int:
    """--replicas: a whole number of processes per service, within what the port scheme holds."""
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_REPLICAS:
        raise argparse.ArgumentTypeError(f"the processes per service, a whole number from 1 to {MAX_REPLICAS}; "
                                         f"got {value!r}")
    return int(value)


def parser():
    p = argparse.ArgumentParser(prog="clearinghouse", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="run the platform in the foreground")
    run_cmd.add_argument("--replicas", type=replica_count, default=None,
                         help="processes per service and of the gateway (default REPLICAS, or 1)")
    run_cmd.set_defaults(func=run)
    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="create a key and print it")
    create.add_argument("--role", required=True, choices=["member", "partner", "staff"])
    create.add_argument("--owner", help="member or organisation id that owns the key")
    create.set_defaults(func=keys_create)
    keys.add_parser("list", help="list every key (never the key itself)").set_defaults(func=keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key")
    revoke.add_argument("key_id", help="key id (key_...), as `keys list` shows it")
    revoke.set_defaults(func=keys_revoke)
    sample = sub.add_parser("sample", help="sample data").add_subparsers(dest="action", required=True)
    sample.add_parser("load", help="load the sample data set").set_defaults(func=sample_load)
    brk = sub.add_parser("broker", help="RabbitMQ").add_subparsers(dest="action", required=True)
    brk.add_parser("setup", help="apply the broker definitions").set_defaults(func=broker_setup)
    docs = sub.add_parser("docs", help="generated documents").add_subparsers(dest="action", required=True)
    asyncapi = docs.add_parser("asyncapi", help="write the AsyncAPI document")
    asyncapi.add_argument("--out", default="docs/asyncapi.yaml")
    asyncapi.set_defaults(func=docs_asyncapi)
    search = sub.add_parser("search", help="the search index").add_subparsers(dest="action", required=True)
    search.add_parser("rebuild", help="reindex from the owners, with a progress bar").set_defaults(
        func=search_rebuild)
    deliveries = sub.add_parser("deliveries", help="webhook and email deliveries").add_subparsers(
        dest="action", required=True)
    replay = deliveries.add_parser("replay", help="queue a subscription's deliveries since a time again")
    replay.add_argument("subscription", help="subscription id (sub_...)")
    replay.add_argument("--since", required=True, help="ISO 8601 timestamp with a zone, e.g. 2026-01-31T00:00:00Z")
    replay.set_defaults(func=deliveries_replay)
    sub.add_parser("status", help="every process and its readiness").set_defaults(func=status)
    imports = sub.add_parser("import", help="import records from outside").add_subparsers(dest="action",
                                                                                          required=True)
    openstates = imports.add_parser("openstates", help="state bills from the Open States API v3 into the "
                                                       "preemption bill watch (needs OPENSTATES_API_KEY)")
    openstates.add_argument("--state", required=True, help="two-letter state code, lower case (oh)")
    openstates.add_argument("--issue-area", required=True, action="append",
                            help="issue area the bills would preempt (repeat for more)")
    openstates.add_argument("--session", help="legislative session identifier, as Open States names it")
    openstates.add_argument("--query", help="full-text search, e.g. 'minimum wage preemption'")
    openstates.add_argument("--subject", help="an Open States subject")
    openstates.add_argument("--updated-since", help="only bills updated since this date (YYYY-MM-DD)")
    openstates.add_argument("--would-void", action="append", default=[], metavar="OCD_ID",
                            help="a jurisdiction whose ordinance on the issue the bills would void (repeat)")
    openstates.add_argument("--base-url", help=argparse.SUPPRESS)  # a recorded-response server in tests
    openstates.set_defaults(func=import_openstates)
    exp = sub.add_parser("export", help="a bulk export (CSV, JSON Lines or the codebook), as STAFF")
    exp.add_argument("name", choices=["ordinances.csv", "ordinances.jsonl", "preemptions.csv", "members.csv",
                                      "codebook"])
    exp.add_argument("--out", help="write to this file (default: standard output)")
    exp.add_argument("--issue-area")
    exp.add_argument("--state")
    exp.add_argument("--jurisdiction")
    exp.add_argument("--status", help="ordinance status (ordinances only)")
    exp.set_defaults(func=export)
    events = sub.add_parser("events", help="events the broker kept").add_subparsers(dest="action", required=True)
    for name, what in (("dead-letters", "events a consumer failed on too often"),
                       ("unrouted", "events published while no queue was bound")):
        kept = events.add_parser(name, help=f"list {what}; --replay sends them back")
        kept.add_argument("--replay", action="store_true", help="send each back where it came from")
        kept.add_argument("--limit", type=int, default=100, help="list at most this many (default 100)")
        kept.set_defaults(func=events_kept)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # a setting that cannot be used: say which, and how to fix it
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(args.func(settings, args) or 0)


if __name__ == "__main__":
    main()
