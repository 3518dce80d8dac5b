"""Fixtures that start the real parts: a RabbitMQ vhost per test (on the broker at
AMQP_URI), an embedded nx-27017 per session (or MONGO_URI's server), fresh databases per
test. Everything started here is stopped here."""
import os
import time
import urllib.parse
import uuid

import pytest

from clearinghouse import broker
from clearinghouse.config import DEFAULT_AMQP_URI, Settings
from clearinghouse.embedded import EmbeddedMongo

BASE_AMQP_URI = os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI
STAFF = {"role": "staff"}  # the caller of setup writes and operator calls (clearinghouse.caller)


def pytest_sessionstart(session):
    try:
        broker.check_reachable(BASE_AMQP_URI)
    except broker.BrokerUnavailable as exc:
        # Never skip the broker-backed tests silently.
        raise pytest.UsageError(str(exc))


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory):
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    server = EmbeddedMongo(tmp_path_factory.mktemp("mongo")).start()
    yield server.uri
    server.stop()


@pytest.fixture
def amqp_uri():
    """A fresh vhost with the project's broker definitions, deleted afterwards."""
    vhost = f"test-{uuid.uuid4().hex[:10]}"
    quoted = urllib.parse.quote(vhost, safe="")
    user = urllib.parse.urlparse(BASE_AMQP_URI).username or "guest"
    broker.management_request(BASE_AMQP_URI, "PUT", f"vhosts/{quoted}")
    broker.management_request(BASE_AMQP_URI, "PUT", f"permissions/{quoted}/{user}",
                              {"configure": ".*", "write": ".*", "read": ".*"})
    parsed = urllib.parse.urlparse(BASE_AMQP_URI)
    uri = f"{parsed.scheme}://{parsed.netloc}/{quoted}"
    broker.ensure_definitions(uri)
    yield uri
    broker.management_request(BASE_AMQP_URI, "DELETE", f"vhosts/{quoted}")


@pytest.fixture
def settings(amqp_uri, mongo_server):
    return Settings(amqp_uri=amqp_uri, mongo_uri=mongo_server,
                    db_prefix=f"t{uuid.uuid4().hex[:10]}_", metrics=False)


@pytest.fixture
def config(settings):
    return settings.nameko_config()


@pytest.fixture
def rpc(config):
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy(config, timeout=20) as proxy:
        yield proxy


@pytest.fixture
def database(settings):
    """The pymongo Database a service of this test uses: database("members")."""
    from clearinghouse.store import connect
    client = connect(settings.mongo_uri)
    yield lambda service: client[settings.database_name(service)]
    client.close()


def wait_until(predicate, timeout=30.0, interval=0.02, message="condition"):
    """Poll ``predicate`` until it returns a truthy value (returned) or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def search_server(tmp_path_factory):
    """The search engine's URL: ELASTICSEARCH_URL's server, or an embedded osmem-server
    for the session (each test's index names start with its own db_prefix)."""
    if os.environ.get("ELASTICSEARCH_URL"):
        yield os.environ["ELASTICSEARCH_URL"]
        return
    from clearinghouse.embedded import EmbeddedSearch
    server = EmbeddedSearch(tmp_path_factory.mktemp("search")).start()
    yield server.url
    server.stop()


@pytest.fixture
def search_settings(settings, search_server):
    return settings.replace(elasticsearch_url=search_server)


@pytest.fixture
def search_config(search_settings):
    return search_settings.nameko_config()
