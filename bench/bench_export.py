"""Bulk export's memory and speed: the gateway process's peak resident memory (VmHWM)
after streaming /export/ordinances.csv of 1,000 rows and then of 100,000 rows (it should
hardly grow: rows are streamed page by page, never held), and rows/s of the CSV and JSON
Lines exports over HTTP against a baseline measured in the same run: the same rows read
straight over RPC (export_ordinances pages of 1000) by a client that only counts them.

Seeds the toolkits store directly (the documents the repository writes; the small export
is one jurisdiction's 1,000), then starts toolkits and the gateway in their own processes;
one gateway process streams the small export, then the whole table.

    .venv/bin/python bench/bench_export.py [--rows 100000] [--small 1000]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

import pymongo  # noqa: E402
import requests  # noqa: E402
from harness import Stack, peak_rss_mb, wait_for  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

from clearinghouse.config import Settings  # noqa: E402
from services.toolkits import domain, repository  # noqa: E402

SMALL_PLACE = "ocd-division/country:us/state:az/place:tempe"
PLACES = ["ocd-division/country:us/state:pa/place:pittsburgh", "ocd-division/country:us/state:pa/place:erie",
          "ocd-division/country:us/state:pa/place:scranton"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(mongo_uri, database, rows, small):
    """``rows`` ordinances as the repository stores them, the first ``small`` in Tempe (the
    small export's filter: jurisdiction is indexed)."""
    client = pymongo.MongoClient(mongo_uri)
    collection = client[database].ordinances
    batch = []
    for i in range(rows):
        fields = {"title": f"Ordinance {i} =SUM(A1)", "jurisdiction": SMALL_PLACE if i < small else PLACES[i % len(PLACES)],
                  "issue_area": "minimum-wage", "toolkit_slug": None, "sponsor_ids": [],
                  "source_url": "https://example.org/o", "notes": None,
                  "provisions": {"wage_usd": 15, "phase_in_year": 2027, "effective_date": "2026-01-01"},
                  "actions": [{"type": "introduced", "date": "2025-01-01", "note": "first reading",
                               "source_url": None},
                              {"type": "passed", "date": "2025-02-01", "note": "9-0", "source_url": None}]}
        ordinance, _ = domain.new_ordinance(fields)
        batch.append(repository.stored("ordinances", ordinance))
        if len(batch) == 1000:
            collection.insert_many(batch)
            batch = []
    if batch:
        collection.insert_many(batch)
    client.close()


def stream(url) -> tuple[int, float, int]:
    """(lines, seconds, bytes) of one streamed GET."""
    started = time.perf_counter()
    lines = size = 0
    with requests.get(url, stream=True, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_content(chunk_size=65536):
            lines += chunk.count(b"\n")
            size += len(chunk)
    return lines, time.perf_counter() - started, size


def over_rpc(config, wanted) -> tuple[int, float]:
    """(rows, seconds) reading every export_ordinances page straight over RPC."""
    started, rows, after = time.perf_counter(), 0, None
    with ClusterRpcProxy(config, timeout=120) as rpc:
        while True:
            page = rpc.toolkits.export_ordinances(wanted, 1000, after)
            rows += len(page["edges"])
            if not page["page_info"]["has_next_page"]:
                return rows, time.perf_counter() - started
            after = page["page_info"]["end_cursor"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    logging.getLogger("amqp").setLevel(logging.ERROR)
    stack = Stack()
    try:
        database = Settings.from_env(stack.env).database_name("toolkits")
        started = time.perf_counter()
        # seeded before toolkits starts: nx-27017 inserts far slower once the indexes exist
        seed(stack.mongo.uri, database, args.rows, args.small)
        print(f"seeded {args.rows} ordinances in {time.perf_counter() - started:.0f} s", flush=True)
        port = free_port()
        stack.env["GATEWAY_PORT"] = str(port)
        stack.env["GATEWAY_RATE_LIMIT"] = "0"
        stack.env["GATEWAY_RPC_TIMEOUT"] = "60"  # a loaded shared machine: a page is slow, not missing
        stack.spawn("-m", "ops.serve", "toolkits")
        gateway = stack.spawn("-m", "ops.serve", "gateway")
        config = stack.config()
        base = f"http://127.0.0.1:{port}/export"
        with ClusterRpcProxy(config, timeout=60) as rpc:
            wait_for(lambda: rpc.toolkits.export_ordinances(None, 1), timeout=300)
        wait_for(lambda: requests.get(f"{base}/codebook", timeout=30).raise_for_status())
        idle = peak_rss_mb(gateway.pid)

        # the same gateway process streams the small export (one jurisdiction), then the whole table
        small_lines, small_s, _ = stream(f"{base}/ordinances.csv?jurisdiction={SMALL_PLACE}")
        after_small = peak_rss_mb(gateway.pid)
        big_lines, big_s, big_bytes = stream(f"{base}/ordinances.csv")
        after_big = peak_rss_mb(gateway.pid)
        jsonl_lines, jsonl_s, jsonl_bytes = stream(f"{base}/ordinances.jsonl")
        after_jsonl = peak_rss_mb(gateway.pid)
        rpc_rows, rpc_s = over_rpc(config, None)
        assert small_lines - 1 == args.small and big_lines - 1 == args.rows and jsonl_lines == args.rows \
            and rpc_rows == args.rows, (small_lines, big_lines, jsonl_lines, rpc_rows)

        print("\ngateway peak resident memory (VmHWM, MiB)")
        print(f"  idle, before any export                  {idle:8.1f}")
        print(f"  after ordinances.csv, {args.small:>7} rows          {after_small:8.1f}")
        print(f"  after ordinances.csv, {args.rows:>7} rows          {after_big:8.1f}   "
              f"growth {after_big - after_small:+.1f} MiB for {args.rows // max(args.small, 1)}x the rows")
        print(f"  after ordinances.jsonl, {args.rows:>7} rows        {after_jsonl:8.1f}")
        print(f"  ({big_bytes / 2**20:.1f} MiB of CSV and {jsonl_bytes / 2**20:.1f} MiB of JSON Lines streamed)")
        print(f"\n{'read':42} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'vs RPC':>7}")
        baseline = rpc_rows / rpc_s
        for name, rows, seconds in (("baseline: export_ordinances over RPC", rpc_rows, rpc_s),
                                    ("gateway: /export/ordinances.csv", big_lines - 1, big_s),
                                    ("gateway: /export/ordinances.jsonl", jsonl_lines, jsonl_s),
                                    (f"gateway: ordinances.csv ({args.small} rows)", small_lines - 1, small_s)):
            print(f"{name:42} {rows:8} {seconds:8.2f} {rows / seconds:9.0f} {rows / seconds / baseline:7.2f}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
