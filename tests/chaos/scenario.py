"""The whole platform under faults: `python -m tests.chaos.scenario [--full]` (make chaos).

A platform runs as `make run` starts it, with two processes of each service and of the
gateway, its AMQP connections all through a TCP proxy (the broker is shared: it is cut
away, never restarted). A load generator records ordinance actions and member changes
through the gateways' GraphQL as staff, while a webhook receiver collects what two partner
subscriptions are sent. Meanwhile one replica of each process in turn is killed with -9 (the
runner restarts it), every broker connection is cut and then let back, and the store
(nx-27017) is killed and restarted by the runner on the same data and port.

Then the checker compares what clients were told succeeded with the store (pymongo), the
search index (search through the gateway) and the receiver:

- lost: an acknowledged write the store does not hold, or whose event a subscription
  matches but that subscription never received;
- duplicated_side_effects: a (subscription, entity, version) received under more than one
  webhook-id: what a receiver that drops a webhook-id it has seen (as Standard Webhooks
  asks) would still apply twice. The same webhook-id again is a redelivery (a replica
  killed after the partner answered but before it stored the outcome sends it again once
  its lease ends: at least once, by design); those are counted on their own line,
  ``redelivered=R``, and left out of the order check as such a receiver drops them;
- unsearchable: an acknowledged entity the search index does not find by its stored name;
- out_of_order (its own line): an entity's events reaching a subscription out of version order.

It waits (polling, with a deadline) for the platform to converge, and prints as its last line
``acknowledged=N lost=L duplicated_side_effects=D unsearchable=U``; exit 1 unless all are 0.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import os
import random
import shutil
import signal
import string
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

import pymongo
import requests

from tests.chaos.platform import Platform
from tests.support import BASE_AMQP_URI, create_vhost, delete_vhost, wait_until
from tests.support.notifications import Receiver
from tests.support.tcp_proxy import TcpProxy

PROCESSES = ["members", "toolkits", "notifications", "search", "gateway"]
MEMBER_EVENTS = ["member.joined", "member.updated"]
ORDINANCE_EVENTS = ["ordinance.recorded", "ordinance.status_changed"]
# Each partner's subscription and the events it asks for.
SUBSCRIPTIONS = {"/all": MEMBER_EVENTS + ORDINANCE_EVENTS, "/ordinances": ORDINANCE_EVENTS}
# Actions that each move the status, in a cycle that can go on for ever.
ACTION_CYCLE = ["introduced", "passed", "vetoed"]
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"


@dataclasses.dataclass(frozen=True)
class Form:
    """How much load and how many faults."""
    name: str
    rounds: int  # every fault once per round
    writes_between_faults: int  # acknowledged writes the load makes between two faults
    cut_writes: int  # writes attempted while the broker is cut away
    convergence: float  # seconds the platform has to converge at the end
    killed: tuple = tuple(PROCESSES)  # the processes one replica of which is killed in each round


# The short form (make test): one fault of each kind, the replica killed being notifications',
# whose death between a delivery and its recorded outcome is the one that risks side effects.
SHORT = Form("short", rounds=1, writes_between_faults=3, cut_writes=2, convergence=120.0, killed=("notifications",))
FULL = Form("full", rounds=3, writes_between_faults=8, cut_writes=6, convergence=240.0)


@dataclasses.dataclass
class Write:
    """One write the load attempted: what it was, and what the client was told."""
    kind: str  # member.create | member.update | ordinance.record | ordinance.action
    entity: str | None  # the member or ordinance id (None when a create was not acknowledged)
    event: str  # the event type the write causes
    acknowledged: bool = False
    version: int | None = None
    name: str = ""  # member name or ordinance title written
    source_url: str = ""  # an action's own source
    error: str = ""


def token(n: int) -> str:
    """A word of letters only, unique per n, that the search analyser keeps whole."""
    letters = string.ascii_lowercase
    word = ""
    n += 26 ** 3
    while n:
        n, r = divmod(n, 26)
        word = letters[r] + word
    return "chaos" + word


class Load:
    """Writes through the gateways (each in turn, as a load balancer would), in a thread."""

    def __init__(self, gateways: list[str], key: str, seed: int = 7):
        self.gateways = itertools.cycle(gateways)
        self.key = key
        self.random = random.Random(seed)
        self.writes: list[Write] = []
        self.members: dict[str, int] = {}  # id -> updates so far (entities still in use)
        self.ordinances: dict[str, int] = {}  # id -> actions so far
        self.counter = itertools.count()
        self.stop = threading.Event()
        self.started = time.time()
        self.http = requests.Session()
        self.thread = threading.Thread(target=self.run, daemon=True, name="chaos-load")

    def graphql(self, query: str, **variables) -> dict:
        answer = self.http.post(next(self.gateways), json={"query": query, "variables": variables},
                                headers={"Authorization": f"Bearer {self.key}"}, timeout=20)
        body = answer.json()
        if body.get("errors"):
            raise RuntimeError(json.dumps(body["errors"])[:300])
        return body["data"]

    def acknowledged(self) -> int:
        return sum(w.acknowledged for w in self.writes)

    def attempted(self) -> int:
        return len(self.writes)

    def run(self):
        while not self.stop.is_set():
            self.step()

    def step(self):
        n = next(self.counter)
        choices = ["member.create", "ordinance.record"]
        if self.members:
            choices += ["member.update"] * 3
        if self.ordinances:
            choices += ["ordinance.action"] * 4
        kind = self.random.choice(choices)
        write = getattr(self, kind.replace(".", "_"))(n)
        self.writes.append(write)

    def attempt(self, write: Write, pool: dict | None, call):
        try:
            write.version, write.entity = call()
            write.acknowledged = True
        except (requests.RequestException, RuntimeError, ValueError) as exc:
            write.error = f"{type(exc).__name__}: {exc}"[:300]
            if pool is not None and write.entity:
                pool.pop(write.entity, None)  # its state is unknown now: leave it alone
        return write

    @staticmethod
    def member_input(name: str, offices: bool = False) -> dict:
        """A member's input (offices only on joining: they change by their own operations)."""
        fields = {"name": name, "status": "active", "issueAreas": ["paid-sick-leave"]}
        if offices:
            fields["offices"] = [{"role": "councilmember", "body": "City Council", "jurisdiction": PGH}]
        return fields

    def member_create(self, n: int) -> Write:
        write = Write("member.create", None, "member.joined", name=f"Chaos Member {token(n)}")

        def call():
            created = self.graphql("mutation($in: MemberInput!) { createMember(input: $in) { id version } }",
                                   **{"in": self.member_input(write.name, offices=True)})["createMember"]
            self.members[created["id"]] = 0
            return created["version"], created["id"]
        return self.attempt(write, None, call)

    def member_update(self, n: int) -> Write:
        member = self.random.choice(sorted(self.members))
        write = Write("member.update", member, "member.updated", name=f"Chaos Member {token(n)}")

        def call():
            updated = self.graphql("mutation($id: ID!, $in: MemberInput!) { updateMember(id: $id, input: $in) "
                                   "{ id version } }", id=member, **{"in": self.member_input(write.name)})
            return updated["updateMember"]["version"], member
        return self.attempt(write, self.members, call)

    def ordinance_record(self, n: int) -> Write:
        word = token(n)
        write = Write("ordinance.record", None, "ordinance.recorded", name=f"Chaos Paid Sick Days Act {word}")

        def call():
            recorded = self.graphql(
                "mutation($in: OrdinanceInput!) { recordOrdinance(input: $in) { id version } }",
                **{"in": {"title": write.name, "issueArea": "paid-sick-leave",
                          "jurisdiction": f"ocd-division/country:us/state:pa/place:{word}"}})["recordOrdinance"]
            self.ordinances[recorded["id"]] = 0
            return recorded["version"], recorded["id"]
        return self.attempt(write, None, call)

    def ordinance_action(self, n: int) -> Write:
        ordinance = self.random.choice(sorted(self.ordinances))
        done = self.ordinances[ordinance]
        write = Write("ordinance.action", ordinance, "ordinance.status_changed",
                      source_url=f"https://example.org/chaos/{token(n)}")
        action = {"type": ACTION_CYCLE[done % len(ACTION_CYCLE)], "sourceUrl": write.source_url,
                  "date": (dt.date(2020, 1, 1) + dt.timedelta(days=done)).isoformat(), "note": token(n)}

        def call():
            changed = self.graphql("mutation($id: ID!, $a: ActionInput!) { recordOrdinanceAction("
                                   "ordinanceId: $id, action: $a) { id version } }", id=ordinance, a=action)
            self.ordinances[ordinance] = done + 1
            return changed["recordOrdinanceAction"]["version"], ordinance
        return self.attempt(write, self.ordinances, call)


class Faults:
    """Each fault waits for the platform to be back (by a condition, with a deadline)."""

    def __init__(self, platform: Platform, proxy: TcpProxy, load: Load, say):
        self.platform, self.proxy, self.load = platform, proxy, load
        self.say = lambda line: say(f"{time.time() - load.started:6.1f}s {line}")
        self.done: list[str] = []

    def progress(self, writes: int, timeout: float = 90.0):
        """Until the load has ``writes`` more acknowledged writes."""
        target = self.load.acknowledged() + writes
        wait_until(lambda: self.load.acknowledged() >= target, timeout=timeout, interval=0.1,
                   message=f"{writes} more acknowledged writes (at {self.load.acknowledged()})")

    def kill_replica(self, process: str, replica: int):
        pid = self.platform.replica_pid(process, replica)
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: self.platform.replica_pid(process, replica) != pid, timeout=60, interval=0.1,
                   message=f"the runner restarting {process}/{replica}")
        self.done.append(f"kill {process}/{replica}")
        self.say(f"killed {process}/{replica} (pid {pid}); the runner restarted it")

    def cut_broker(self, writes: int):
        started = self.load.attempted()
        self.proxy.cut()
        try:
            wait_until(lambda: self.load.attempted() >= started + writes, timeout=60, interval=0.1,
                       message=f"{writes} writes attempted while the broker is cut away")
        finally:
            self.proxy.restore()
        self.done.append("cut broker")
        self.say(f"cut every broker connection for {self.load.attempted() - started} writes, then let them back")

    def restart_store(self):
        pid = self.platform.child("nx-27017")
        restarts = self.platform.output().count("nx-27017 (embedded MongoDB) restarted")
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: self.platform.output().count("nx-27017 (embedded MongoDB) restarted") > restarts,
                   timeout=60, interval=0.1, message="the runner restarting nx-27017")
        self.done.append("restart store")
        self.say(f"killed nx-27017 (pid {pid}); the runner restarted it on the same data and port")

    def run(self, form: Form):
        for round_ in range(form.rounds):
            for process in form.killed:
                self.progress(form.writes_between_faults)
                self.kill_replica(process, round_ % 2)
            self.progress(form.writes_between_faults)
            self.cut_broker(form.cut_writes)
            self.progress(form.writes_between_faults)
            self.restart_store()
        self.progress(form.writes_between_faults)


@dataclasses.dataclass
class Tally:
    acknowledged: int
    lost: list[str]
    duplicated: list[str]
    unsearchable: list[str]
    out_of_order: list[str]
    waiting_deliveries: int = 0
    redelivered: list[str] = dataclasses.field(default_factory=list)  # at least once: not a fault

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.unsearchable or self.out_of_order)

    def line(self) -> str:
        return (f"acknowledged={self.acknowledged} lost={len(self.lost)} "
                f"duplicated_side_effects={len(self.duplicated)} unsearchable={len(self.unsearchable)}")


class Checker:
    def __init__(self, load: Load, mongo_uri: str, receiver: Receiver, gateway: str, key: str):
        self.load, self.receiver, self.gateway, self.key = load, receiver, gateway, key
        self.mongo = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
        self.http = requests.Session()

    def graphql(self, query: str, **variables) -> dict:
        body = self.http.post(self.gateway, json={"query": query, "variables": variables},
                              headers={"Authorization": f"Bearer {self.key}"}, timeout=30).json()
        if body.get("errors"):
            raise RuntimeError(json.dumps(body["errors"])[:300])
        return body["data"]

    def stored(self) -> tuple[dict, dict]:
        """The store's members and ordinances the load wrote (by id), read over the wire."""
        members = {d["_id"]: d for d in self.mongo["clearinghouse_members"]["members"].find(
            {}, {"_id": 1, "name": 1, "version": 1}) if str(d.get("name", "")).startswith("Chaos Member")}
        ordinances = {d["_id"]: d for d in self.mongo["clearinghouse_toolkits"]["ordinances"].find(
            {}, {"_id": 1, "title": 1, "version": 1, "actions": 1}) if str(d.get("title", "")).startswith("Chaos ")}
        return members, ordinances

    def searchable(self, kind: str, word: str, entity: str) -> bool:
        found = self.graphql(f'query($q: String!) {{ search(query: $q, types: [{kind}], first: 5) '
                             '{ edges { node { ... on Member { id } ... on Ordinance { id } } } } }', q=word)
        return entity in [e["node"]["id"] for e in found["search"]["edges"]]

    def received(self) -> dict[str, list[dict]]:
        return {path: self.receiver.events(path) for path in SUBSCRIPTIONS}

    def tally(self) -> Tally:
        acked = [w for w in self.load.writes if w.acknowledged]
        members, ordinances = self.stored()
        lost, duplicated, unsearchable, out_of_order, redelivered = [], [], [], [], []
        attempted_after = defaultdict(list)  # entity -> its writes, in order
        for w in self.load.writes:
            if w.entity:
                attempted_after[w.entity].append(w)
        for w in acked:
            doc = (members if w.kind.startswith("member") else ordinances).get(w.entity)
            if doc is None:
                lost.append(f"store: {w.kind} {w.entity} v{w.version} missing")
            elif int(doc["version"]) < w.version:
                lost.append(f"store: {w.kind} {w.entity} v{w.version} but the store has v{doc['version']}")
            elif w.kind == "ordinance.action" and w.source_url not in [a.get("source_url") for a in doc["actions"]]:
                lost.append(f"store: {w.kind} {w.entity} v{w.version} action {w.source_url} missing")
            elif w.kind == "member.update" and attempted_after[w.entity][-1] is w and doc["name"] != w.name:
                lost.append(f"store: {w.kind} {w.entity} v{w.version} name {doc['name']!r} != {w.name!r}")
        received = self.received()
        for path, events in received.items():
            requests_ = self.receiver.received(path)
            first_of = {}  # webhook-id -> its first request; the rest are redeliveries
            for r in requests_:
                hook_id = r["headers"].get("webhook-id")
                if hook_id in first_of:
                    redelivered.append(f"{path}: {hook_id} again at {r['at'] - self.load.started:.1f}s")
                else:
                    first_of[hook_id] = r
            requests_ = list(first_of.values())
            events = [json.loads(r["body"]) for r in requests_]
            seen = Counter((e.get("subject"), (e.get("data") or {}).get("version"), e.get("type")) for e in events)
            for (subject, version, kind), n in seen.items():
                if n > 1:
                    copies = [(json.loads(r["body"]).get("id"), r["headers"].get("webhook-id"),
                               f"{r['at'] - self.load.started:.1f}s")
                              for r in requests_ if json.loads(r["body"]).get("subject") == subject
                              and (json.loads(r["body"]).get("data") or {}).get("version") == version]
                    duplicated.append(f"{path}: {subject} v{version} {kind} received {n} times "
                                      f"(event id, webhook-id, at): {copies}")
            last = {}  # subject -> (highest version received so far, its event id, when)
            for r in requests_:
                e = json.loads(r["body"])
                subject, version = e.get("subject"), (e.get("data") or {}).get("version")
                if version is None:
                    continue
                at = f"{r['at'] - self.load.started:.1f}s"
                # (an equal version is a duplicate, counted as such above)
                if subject in last and version < last[subject][0]:
                    out_of_order.append(f"{path}: {subject} v{version} ({e.get('id')}, at {at}) after "
                                        f"v{last[subject][0]} ({last[subject][1]}, at {last[subject][2]})")
                if subject not in last or version > last[subject][0]:
                    last[subject] = (version, e.get("id"), at)
            for w in acked:
                if w.event in SUBSCRIPTIONS[path]:
                    prefix = "member/" if w.kind.startswith("member") else "ordinance/"
                    if (prefix + w.entity, w.version, w.event) not in seen:
                        lost.append(f"{path}: {w.event} {prefix}{w.entity} v{w.version} never received")
        for entity, doc in members.items():
            if any(w.entity == entity for w in acked) and not self.searchable("MEMBER", doc["name"].split()[-1], entity):
                unsearchable.append(f"member {entity} {doc['name']!r}")
        for entity, doc in ordinances.items():
            if any(w.entity == entity for w in acked) and not self.searchable("ORDINANCE", doc["title"].split()[-1],
                                                                               entity):
                unsearchable.append(f"ordinance {entity} {doc['title']!r}")
        return Tally(len(acked), lost, duplicated, unsearchable, out_of_order, self.waiting_deliveries(),
                     redelivered)

    def waiting(self) -> list[dict]:
        """The deliveries to the receiver still pending or retrying (the sample data's own
        subscriptions, digests among them, are not the scenario's)."""
        ours = {self.receiver.url(path) for path in SUBSCRIPTIONS}
        subs = [s for s in self.graphql("{ eventSubscriptions { id url } }")["eventSubscriptions"] if s["url"] in ours]
        waiting = []
        for sub in subs:
            for status in ("PENDING", "RETRYING"):
                page = self.graphql("query($id: ID!, $s: DeliveryStatus) { deliveries(subscriptionId: $id, "
                                    "status: $s, first: 20) { totalCount edges { node { eventId eventType status "
                                    "attempts lastAttemptAt nextAttemptAt lastStatusCode lastError } } } }",
                                    id=sub["id"], s=status)["deliveries"]
                waiting += [{"url": sub["url"], **e["node"]} for e in page["edges"]]
                waiting += [{"url": sub["url"], "more": True}] * (page["totalCount"] - len(page["edges"]))
        return waiting

    def waiting_deliveries(self) -> int:
        return len(self.waiting())

    def converge(self, timeout: float, say) -> Tally:
        """Poll until nothing is missing and no delivery waits, or the deadline; the last tally."""
        last = []

        def converged():
            try:
                last.append(self.tally())
            except (requests.RequestException, RuntimeError, pymongo.errors.PyMongoError) as exc:
                say(f"checker: the platform does not answer yet ({type(exc).__name__}: {str(exc)[:120]})")
                return False
            return not (last[-1].lost or last[-1].unsearchable) and last[-1].waiting_deliveries == 0
        try:
            wait_until(converged, timeout=timeout, interval=1.0, message="the platform converging")
        except AssertionError:
            say(f"not converged within {timeout:.0f} s")
        return last[-1] if last else self.tally()


def proxied(amqp_uri: str, port: int) -> str:
    parsed = urllib.parse.urlparse(amqp_uri)
    userinfo = parsed.netloc.rsplit("@", 1)[0] + "@" if "@" in parsed.netloc else ""
    return urllib.parse.urlunparse(parsed._replace(netloc=f"{userinfo}127.0.0.1:{port}"))


def run(form: Form, folder: Path, say=print) -> Tally:
    started = time.monotonic()
    amqp_uri = create_vhost()
    broker = urllib.parse.urlparse(BASE_AMQP_URI)
    proxy = TcpProxy(broker.hostname or "127.0.0.1", broker.port or 5672)
    receiver = Receiver()
    platform = Platform(folder / "data", proxied(amqp_uri, proxy.port), folder / "run.log", replicas=2)
    platform.env.update(WEBHOOK_ALLOW_HTTP="1", WEBHOOK_ALLOW_NETWORKS="127.0.0.0/8")
    load = None
    try:
        platform.start().wait_running()
        say(f"platform up with 2 processes of each ({time.monotonic() - started:.0f} s); log {platform.log}")
        key = platform.staff_key()
        base = int(platform.env["GATEWAY_PORT"])
        gateways = [f"http://127.0.0.1:{base + r}/graphql" for r in range(2)]
        load = Load(gateways, key)
        for path, types in SUBSCRIPTIONS.items():
            load.graphql("mutation($in: EventSubscriptionInput!) { createEventSubscription(input: $in) "
                         "{ subscription { id } } }",
                         **{"in": {"channel": "webhook", "url": receiver.url(path), "eventTypes": types}})
        load.thread.start()
        faults = Faults(platform, proxy, load, say)
        faults.run(form)
        load.stop.set()
        load.thread.join(60)
        say(f"load stopped: {load.attempted()} writes attempted, {load.acknowledged()} acknowledged; "
            f"faults: {len(faults.done)} ({time.monotonic() - started:.0f} s)")
        mongo_uri = next(line.split(" at ", 1)[1].split(",", 1)[0].strip()
                         for line in platform.output().splitlines() if "embedded MongoDB (nx-27017) at " in line)
        checker = Checker(load, mongo_uri, receiver, gateways[0], key)
        tally = checker.converge(form.convergence, say)
        for failed in [w for w in load.writes if not w.acknowledged][:10]:
            say(f"not acknowledged: {failed.kind} {failed.entity or ''} {failed.error}")
        for what, items in (("lost", tally.lost), ("duplicated", tally.duplicated),
                            ("unsearchable", tally.unsearchable), ("out of order", tally.out_of_order)):
            for item in items[:20]:
                say(f"{what}: {item}")
        say(f"deliveries still waiting: {tally.waiting_deliveries}; took {time.monotonic() - started:.0f} s")
        if tally.waiting_deliveries:
            for delivery in checker.waiting()[:10]:
                say(f"waiting: {json.dumps(delivery)}")
        for item in tally.redelivered[:20]:
            say(f"redelivered: {item}")
        say(f"redelivered={len(tally.redelivered)} out_of_order={len(tally.out_of_order)}")
        say(tally.line())
        return tally
    finally:
        if load is not None:
            load.stop.set()
        platform.stop()
        proxy.close()
        receiver.close()
        delete_vhost(amqp_uri)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos.scenario", description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full form (make chaos): longer, every fault, "
                                                            "several rounds")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="chaos-"))
    tally = run(FULL if args.full else SHORT, folder, say=lambda line: print(line, flush=True))
    if not tally.clean:
        return 1  # the platform's log and data stay where the first line said
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
