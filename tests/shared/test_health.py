"""/health/live and /health/ready on a service's metrics port: ready only when every Store
has its indexes and the broker answers."""
import json
import urllib.error
import urllib.request

from clearinghouse import health, metrics  # noqa: F401 -- registers the entrypoint metrics
from clearinghouse.embedded import EmbeddedMongo, free_port
from tests.chaos.test_store_late import BadgeDesk
from tests.support import wait_until


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_ready_waits_for_the_store_and_names_what_is_missing(start_service, settings, tmp_path):
    server = health.serve(free_port(), addr="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_port}"
    mongo_port = free_port()
    config = settings.replace(mongo_uri=f"mongodb://127.0.0.1:{mongo_port}/").nameko_config()
    container = start_service(BadgeDesk, config)  # its store is not there yet
    mongo = None
    try:
        assert get(f"{base}/health/live") == (200, b'{"status": "live"}')
        status, body = get(f"{base}/health/ready")
        assert status == 503 and json.loads(body)["reasons"] == [
            "badges store: its indexes are not created yet (the store does not answer)"]
        mongo = EmbeddedMongo(tmp_path / "mongo", port=mongo_port).start()
        wait_until(lambda: get(f"{base}/health/ready")[0] == 200, message="ready once the indexes exist")
        assert json.loads(get(f"{base}/health/ready")[1]) == {"status": "ready"}
        assert b"clearinghouse_entrypoint_calls_total" in get(f"{base}/metrics")[1]
    finally:
        container.stop()
        server.shutdown()
        if mongo is not None:
            mongo.stop()
    assert health.not_ready() == []  # a stopped service's store is no longer asked


def test_a_broker_that_does_not_answer_makes_the_process_not_ready():
    owner = object()
    health.add_probe("broker", health.broker_probe(f"amqp://guest:guest@127.0.0.1:{free_port()}//"), owner=owner)
    try:
        assert health.not_ready() == ["broker: the message bus does not answer"]
    finally:
        health.remove_probe("broker", owner=owner)
    assert health.not_ready() == []
