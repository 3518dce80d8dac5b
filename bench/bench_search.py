"""Search: indexing throughput (raw bulk, the event path, a rebuild from the owners),
event-to-searchable latency, and query latency over RPC on an index of generated
ordinances and members, each against a baseline measured in the same run.

Services run in their own processes on a throwaway vhost, an embedded MongoDB and the
embedded osmem-server (or ELASTICSEARCH_URL's server).

The event path is measured twice: from the owners' writes (RPC, store, outbox relay,
search), and from the events alone, published straight on the owners' exchanges as
their relays do, which is search's own share. The issue's query figures are at
100,000 documents; `make bench` seeds 10,000 so that it ends in minutes on a small
machine (seeding the embedded server runs at a few hundred documents a second):

    .venv/bin/python bench/bench_search.py [--docs 100000] [--events 1000] [--queries 300]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import kombu  # noqa: E402
from harness import STAFF, Stack, peak_rss_mb, percentiles, wait_for  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

from clearinghouse.config import METRICS_PORTS  # noqa: E402
from clearinghouse.embedded import EmbeddedSearch  # noqa: E402
from clearinghouse.events import cloudevent  # noqa: E402
from clearinghouse.issue_areas import ISSUE_AREAS  # noqa: E402
from services.search import index  # noqa: E402
from services.search.repository import fetch_size, search_body  # noqa: E402
from services.search.repository import SearchRepository as SearchIndex  # noqa: E402
from services.search.transport import client, is_embedded  # noqa: E402

FRESHNESS = "clearinghouse_search_event_to_searchable_seconds"
CITIES = [("pa", "pittsburgh"), ("pa", "philadelphia"), ("wa", "seattle"), ("ca", "san_francisco"),
          ("ca", "los_angeles"), ("az", "tempe"), ("in", "terre_haute"), ("ny", "new_york"), ("il", "chicago"),
          ("mn", "minneapolis"), ("tx", "austin"), ("co", "denver"), ("or", "portland"), ("ma", "boston"),
          ("nm", "albuquerque"), ("mi", "detroit"), ("ga", "atlanta"), ("oh", "columbus")]
STATUSES = ["introduced", "referred", "passed", "enacted", "effective", "struck_down", "preempted", "repealed"]
GIVEN = ["Maria", "James", "Aisha", "Wei", "Carlos", "Deb", "Sam", "Priya", "Jordan", "Alex", "Fatima", "Casey"]
FAMILY = ["Garcia", "Gross", "Okafor", "Nguyen", "Rivera", "Lee", "Patel", "Moreno", "Johnson", "Kim", "Smith"]
NOTES = ["Workers accrue one hour of paid sick time for every 30 hours worked.",
         "A real estate transfer tax on sales above five million dollars funds affordable housing.",
         "Raises the minimum wage to fifteen dollars by 2025, indexed to inflation after.",
         "Employers must post schedules two weeks in advance and pay for last-minute changes.",
         "Tenants facing eviction get a right to counsel paid by the city.",
         "Developers set aside fifteen percent of new units as affordable housing."]
QUERIES = [("paid sick leave", None), ('"transfer tax"', None), ("minimum wgae", None),
           ("affordable housing", {"state": "ca"}), ("tenant counsel", {"status": "passed"}),
           ("maria garcia", None), ("fair scheduling seattle", {"type": "ordinance"}),
           ("inclusionary zoning", {"issue_area": "inclusionary-zoning", "state": ["pa", "ny"]})]


def division(state, place):
    return f"ocd-division/country:us/state:{state}/place:{place}"


def generated(n, rng):
    """n documents, half ordinances and half members, as the event path would build them."""
    areas = list(ISSUE_AREAS)
    for i in range(n):
        state, place = rng.choice(CITIES)
        area = rng.choice(areas)
        if i % 2:
            entity = {"id": f"ord_{i:016x}", "title": f"{ISSUE_AREAS[area]} ordinance {i}",
                      "jurisdiction": division(state, place), "state": state, "issue_area": area,
                      "status": rng.choice(STATUSES), "notes": rng.choice(NOTES),
                      "actions": [{"type": "introduced", "note": rng.choice(NOTES)}], "version": 1}
            yield index.document("ordinance", entity, entity["id"], 1), 1
        else:
            entity = {"id": f"mem_{i:016x}", "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}",
                      "status": "active", "bio": f"Works on {ISSUE_AREAS[area].lower()}. {rng.choice(NOTES)}",
                      "issue_areas": [area], "version": 1,
                      "offices": [{"role": "Councilmember", "body": "City Council",
                                   "jurisdiction": division(state, place)}]}
            yield index.document("member", entity, entity["id"], 1), 1


def until(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout}s: {predicate.__doc__ or predicate}")
        time.sleep(0.05)


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the metrics server binds
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def histogram(port, name):
    """Buckets, sum and count of a histogram (all labels) scraped from /metrics."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    buckets, total, count = {}, 0.0, 0
    for line in text.splitlines():
        if line.startswith(f"{name}_bucket"):
            le = float(line.split('le="')[1].split('"')[0])
            buckets[le] = buckets.get(le, 0) + float(line.rsplit(" ", 1)[1])
        elif line.startswith(f"{name}_sum"):
            total += float(line.rsplit(" ", 1)[1])
        elif line.startswith(f"{name}_count"):
            count += int(float(line.rsplit(" ", 1)[1]))
    return buckets, total, count


def minus(later, earlier):
    buckets = {le: n - earlier[0].get(le, 0) for le, n in later[0].items()}
    return buckets, later[1] - earlier[1], later[2] - earlier[2]


def bucket_quantile(buckets, count, q):
    for le in sorted(buckets):
        if buckets[le] >= q * count:
            return le
    return float("inf")


def timed(call, n):
    latencies = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        latencies.append(time.perf_counter() - started)
    return latencies


def alternately(calls_a, calls_b, n):
    """Latencies of two calls taken in turn, so that both see the same load."""
    a, b = [], []
    for i in range(n):
        for call, out in ((calls_a, a), (calls_b, b)) if i % 2 else ((calls_b, b), (calls_a, a)):
            started = time.perf_counter()
            call(i)
            out.append(time.perf_counter() - started)
    return percentiles(a), percentiles(b)


def publish_events(amqp_uri, n, offset, publishers=10):
    """n events (half member.joined, half ordinance.recorded, each carrying its public
    view) published straight on the owners' exchanges by ``publishers`` connections."""
    areas = list(ISSUE_AREAS)

    def publisher(p):
        rng = random.Random(offset + p)
        with kombu.Connection(amqp_uri) as conn:
            producer = conn.Producer(serializer="json")
            for i in range(offset + p, offset + n, publishers):
                if i % 2:
                    state, place = rng.choice(CITIES)
                    data = {"id": f"ord_{i:016x}", "version": 1, "title": f"Direct ordinance {i}",
                            "jurisdiction": division(state, place), "state": state, "issue_area": rng.choice(areas),
                            "status": "introduced", "notes": rng.choice(NOTES), "actions": []}
                    event, exchange = cloudevent("ordinance.recorded", f"ordinance/{data['id']}", data), "toolkits.events"
                else:
                    data = {"id": f"mem_{i:016x}", "version": 1, "name": f"Direct Member {i}", "status": "active",
                            "bio": rng.choice(NOTES)}
                    event, exchange = cloudevent("member.joined", f"member/{data['id']}", data), "members.events"
                producer.publish(event, exchange=kombu.Exchange(exchange, type="topic", durable=True),
                                 routing_key=event["type"])
    pool = eventlet.GreenPool(publishers)
    for p in range(publishers):
        pool.spawn(publisher, p)
    pool.waitall()


def concurrently(config, call, calls, clients=10):
    per = calls // clients

    def client_loop(c):
        with ClusterRpcProxy(config, timeout=60) as rpc:
            for i in range(per):
                call(rpc, c * per + i)
    pool = eventlet.GreenPool(clients)
    for c in range(clients):
        pool.spawn(client_loop, c)
    pool.waitall()
    return per * clients


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    stack = Stack()
    server = None
    try:
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            server = EmbeddedSearch(Path(stack.tmp.name) / "search").start()
            url = server.url
        stack.env["ELASTICSEARCH_URL"] = url
        stack.env["SEARCH_TIMEOUT"] = "50"  # the baseline waits 120 s: at 100k a faceted query is slow, not missing
        metrics_port = METRICS_PORTS["search"]
        scrape = port_free(metrics_port)
        members = stack.spawn("-m", "ops.serve", "members")
        toolkits = stack.spawn("-m", "ops.serve", "toolkits")
        if scrape:  # the search process serves its freshness histogram
            stack.env.pop("CLEARINGHOUSE_NO_METRICS")
        search = stack.spawn("-m", "ops.serve", "search")
        stack.env["CLEARINGHOUSE_NO_METRICS"] = "1"
        config = stack.config()
        es = client(url, embedded=is_embedded(url), timeout=120)
        engine = SearchIndex(es, "clearinghouse_search")
        print(f"engine: {'osmem-server (embedded)' if server else url}; metrics scraped: {scrape}")

        with ClusterRpcProxy(config, timeout=60) as rpc:
            wait_for(lambda: rpc.members.list_members(first=0))
            wait_for(lambda: rpc.toolkits.list_toolkits(first=0))
            wait_for(lambda: rpc.search.rebuild_status())
            until(lambda: rpc.search.rebuild_status()["state"] == "done")

            # 1. raw bulk of as many generated documents as the event path will index, into a
            #    scratch index of the same mapping: the baseline for the event path
            scratch = engine.new_index("clearinghouse_scratch")
            started = time.perf_counter()
            engine.bulk(scratch, generated(args.events, rng))
            small_bulk_rate = args.events / (time.perf_counter() - started)
            engine.abandon(scratch)

            # 2. the event path from the owners' writes: owners write, their relays publish,
            #    search indexes the batches
            half = args.events // 2
            before = histogram(metrics_port, FRESHNESS) if scrape else None
            started = time.perf_counter()
            concurrently(config, lambda r, i: r.members.create_member(
                {"name": f"Event Member {i}", "status": "active", "bio": rng.choice(NOTES)}, caller=STAFF), half)
            concurrently(config, lambda r, i: r.toolkits.record_ordinance(
                {"title": f"Event ordinance {i}", "jurisdiction": division(*rng.choice(CITIES)),
                 "issue_area": rng.choice(list(ISSUE_AREAS))}, caller=STAFF), half)
            owner_write_rate = 2 * half / (time.perf_counter() - started)
            until(lambda: rpc.search.query("", first=0)["total_count"] >= 2 * half, timeout=600)
            event_rate = 2 * half / (time.perf_counter() - started)
            burst = minus(histogram(metrics_port, FRESHNESS), before) if scrape else None

            # 2b. search's own event path: the same number of events published straight on
            #     the owners' exchanges (as their relays do) by 10 publishers, against a raw
            #     bulk of as many documents measured just before
            scratch = engine.new_index("clearinghouse_scratch")
            started = time.perf_counter()
            engine.bulk(scratch, generated(args.events, rng))
            direct_bulk_rate = args.events / (time.perf_counter() - started)
            engine.abandon(scratch)
            held = rpc.search.query("", first=0)["total_count"]
            before = histogram(metrics_port, FRESHNESS) if scrape else None
            started = time.perf_counter()
            publish_events(stack.amqp_uri, 2 * half, offset=10_000_000)
            until(lambda: rpc.search.query("", first=0)["total_count"] >= held + 2 * half, timeout=600)
            direct_rate = 2 * half / (time.perf_counter() - started)
            direct_burst = minus(histogram(metrics_port, FRESHNESS), before) if scrape else None

            # 3. write -> searchable, one at a time (the owner's write and outbox included)
            def write_then_find(i):
                name = f"Fresh Person{i:04d}x"
                rpc.members.create_member({"name": name, "status": "active"}, caller=STAFF)
                while not rpc.search.query(f'"{name}"', first=1)["edges"]:
                    eventlet.sleep(0.002)
            before = histogram(metrics_port, FRESHNESS) if scrape else None
            fresh = percentiles(timed(write_then_find, 50))
            one_by_one = minus(histogram(metrics_port, FRESHNESS), before) if scrape else None

            # 4. rebuild from the owners over RPC
            rebuilt = rpc.search.rebuild()
            rebuild_docs = sum(rebuilt["indexed"].values())
            rebuild_rate = rebuild_docs / rebuilt["seconds"]

            # 5. volume: raw bulk of generated documents straight into the live index
            live = engine.indices(engine.alias)[0]
            started = time.perf_counter()
            engine.bulk(live, generated(args.docs, rng))
            bulk_seconds = time.perf_counter() - started
            bulk_rate = args.docs / bulk_seconds
            # counted by the engine (with the bench's long timeout): at 100k documents on a
            # loaded machine, a count can outlast the search service's 10 s engine timeout
            es.indices.refresh(index=engine.alias)
            total = es.count(index=engine.alias, query={"term": {"visible": True}})["count"]

            # 6. queries over RPC on the full index, against match-all browsing as baseline
            browse = percentiles(timed(lambda i: rpc.search.query("", first=20), args.queries))
            text = percentiles(timed(lambda i: rpc.search.query(QUERIES[i % len(QUERIES)][0],
                                                                filter=QUERIES[i % len(QUERIES)][1], first=20),
                                     args.queries))

            def next_page(i):
                page = rpc.search.query("paid sick leave", first=20)
                rpc.search.query("paid sick leave", first=20, after=page["page_info"]["end_cursor"])
            paged = percentiles(timed(next_page, max(args.queries // 4, 10)))
            suggest = percentiles(timed(lambda i: rpc.search.suggest(["pai", "mar", "tra", "min"][i % 4]),
                                        args.queries))
            engine_browse = percentiles(timed(lambda i: es.search(index=engine.alias, size=20,
                                                                  query={"match_all": {}}), args.queries))

            # 6b. the same text queries with and without facets (and the count and highlights
            #     a client selects with them), over RPC and sent straight to the engine
            def ask(i, selected):
                text, filters = QUERIES[i % len(QUERIES)]
                return rpc.search.query(text, filter=filters, first=20, count=selected, facets=selected,
                                        highlights=selected)

            def engine_ask(i, selected):
                text, filters = QUERIES[i % len(QUERIES)]
                q = index.check_query(text, None, filters, 20, None, None, selected, selected, selected)
                es.search(index=engine.alias, **search_body(q, fetch_size(q)))  # what the service sends
            plain, plain_engine = alternately(lambda i: ask(i, False), lambda i: engine_ask(i, False), args.queries)
            faceted, faceted_engine = alternately(lambda i: ask(i, True), lambda i: engine_ask(i, True), args.queries)

            # 7. event -> searchable on the full index
            after_big = percentiles(timed(lambda i: write_then_find(1000 + i), 50))

        print(f"\nindex: {total} searchable documents ({args.docs} generated + {4 * half} through events)")
        print(f"{'indexing':52} {'docs/s':>9} {'vs baseline':>12}")
        print(f"{'raw bulk, ' + str(args.events) + ' docs into an empty index (baseline)':52} "
              f"{small_bulk_rate:9.0f} {1.0:12.2f}")
        print(f"{'event path from the owners (write, relay, index)':52} {event_rate:9.0f} {event_rate / small_bulk_rate:12.3f}"
              f"   ({2 * half} events, 10 writers; the owners' RPCs returned at {owner_write_rate:.0f}/s)")
        print(f"{'raw bulk, ' + str(args.events) + ' docs, just before the next (baseline)':52} "
              f"{direct_bulk_rate:9.0f} {1.0:12.2f}")
        print(f"{'event path, search alone (events published, indexed)':52} {direct_rate:9.0f} "
              f"{direct_rate / direct_bulk_rate:12.3f}   ({2 * half} events, 10 publishers)")
        print(f"{'rebuild from the owners over RPC':52} {rebuild_rate:9.0f} {rebuild_rate / small_bulk_rate:12.3f}"
              f"   ({rebuild_docs} docs in {rebuilt['seconds']:.2f}s)")
        print(f"{'raw bulk, ' + str(args.docs) + ' docs (volume)':52} {bulk_rate:9.0f} "
              f"{bulk_rate / small_bulk_rate:12.3f}   ({bulk_seconds:.1f}s)")
        print(f"\n{'latency on ' + str(total) + ' docs unless said':52} {'p50 ms':>9} {'p99 ms':>8} {'p50 vs browse':>14}")
        rows = [("query: match-all browse + facets over RPC (baseline)", browse),
                ("query: text/phrase/typo/filters over RPC", text),
                ("query: first page + next page (2 RPCs)", paged),
                ("suggest over RPC", suggest),
                ("engine match_all, no RPC", engine_browse),
                (f"write -> searchable, {2 * half} docs indexed", fresh),
                ("write -> searchable", after_big)]
        for name, q in rows:
            print(f"{name:52} {q['p50']:9.2f} {q['p99']:8.2f} {q['p50'] / browse['p50']:14.2f}")
        print(f"\n{'the same query over RPC vs straight to the engine':52} {'p50 ms':>9} {'p99 ms':>8} {'p50 x engine':>14}"
              f" {'p99 x engine':>12}")
        for name, over_rpc, straight in [("text queries, no facets/count/highlights", plain, plain_engine),
                                         ("text queries with facets, count, highlights", faceted, faceted_engine)]:
            print(f"{name + ' (engine)':52} {straight['p50']:9.2f} {straight['p99']:8.2f} {1.0:14.2f} {1.0:12.2f}")
            print(f"{name + ' (RPC)':52} {over_rpc['p50']:9.2f} {over_rpc['p99']:8.2f}"
                  f" {over_rpc['p50'] / straight['p50']:14.2f} {over_rpc['p99'] / straight['p99']:12.2f}")
        if scrape:
            print("\nevent -> searchable, from search's histogram (p50/p99 are bucket bounds):")
            for name, (buckets, seconds, count) in [
                    (f"burst of {2 * half} owner writes, 10 writers", burst),
                    (f"burst of {2 * half} events published, 10 publishers", direct_burst),
                    ("one owner write at a time", one_by_one)]:
                print(f"  {name:50} {count:5} events  mean {1000 * seconds / count:7.1f} ms"
                      f"  p50 <= {1000 * bucket_quantile(buckets, count, .5):5.0f} ms"
                      f"  p99 <= {1000 * bucket_quantile(buckets, count, .99):5.0f} ms")
        else:
            print(f"\nport {metrics_port} is taken (a running platform?): search's histogram not scraped")
        rss = {"search": peak_rss_mb(search.pid), "members": peak_rss_mb(members.pid),
               "toolkits": peak_rss_mb(toolkits.pid), "bench client": peak_rss_mb()}
        if server:
            rss["osmem-server"] = peak_rss_mb(server.proc.pid)
        print("peak RSS MiB: " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
        es.close()
    finally:
        if server:
            server.stop()
        stack.close()


if __name__ == "__main__":
    main()
