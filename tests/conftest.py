"""Fixtures that start the real parts: a RabbitMQ vhost per test (on the broker at
AMQP_URI), an embedded nx-27017 per session (or MONGO_URI's server), fresh databases per
test, and the services themselves. Everything started here is stopped here (a test's
services and vhost while the next test runs: tests.support.cleanup). (What tests share that
is not a fixture is in tests.support.)"""
import os
import uuid

import pytest
from hypothesis import settings as hypothesis_settings
from nameko.containers import get_container_cls

from clearinghouse import broker
from clearinghouse.config import Settings
from clearinghouse.embedded import EmbeddedMongo
from tests.support.event_tap import EventTap
from tests.support import BASE_AMQP_URI, create_vhost, delete_vhost
from tests.support.cleanup import Cleanup

# How many examples each fuzz test draws (tests.fuzz), chosen before any test module builds
# its settings: HYPOTHESIS_PROFILE=full for `make fuzz` and `make chaos`; short by default,
# for `make test` (every RPC and every @example still runs, with fewer drawings each).
hypothesis_settings.register_profile("full", max_examples=30)
hypothesis_settings.register_profile("short", max_examples=8)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "short")


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


@pytest.fixture(scope="session")
def cleanup():
    """Kills containers and deletes vhosts in the background (tests.support.cleanup)."""
    pending = Cleanup()
    yield pending
    pending.finish()


@pytest.fixture
def amqp_uri(cleanup):
    """A fresh vhost with the project's broker definitions, deleted once the test's services
    are dead."""
    uri = create_vhost()
    yield uri
    cleanup.then(delete_vhost, uri)


@pytest.fixture
def settings(amqp_uri, mongo_server):
    return Settings(amqp_uri=amqp_uri, mongo_uri=mongo_server,
                    db_prefix=f"t{uuid.uuid4().hex[:10]}_", metrics=False,
                    smtp_inbound_port=0)  # notifications' inbound SMTP on a free port


@pytest.fixture
def config(settings):
    return settings.nameko_config()


@pytest.fixture
def rpc(config):
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy(config, timeout=20) as proxy:
        yield proxy


@pytest.fixture
def event_tap(amqp_uri):
    """``event_tap(exchange, routing_key="#")``: a queue on the test's vhost bound now to an
    events exchange, collecting what is published from here on (tests.support.event_tap); closed
    after the test."""
    taps = []

    def tap(exchange, routing_key="#"):
        taps.append(EventTap(amqp_uri, exchange, routing_key))
        return taps[-1]
    yield tap
    for opened in taps:
        opened.close()


@pytest.fixture
def database(settings):
    """The pymongo Database a service of this test uses: database("members")."""
    from clearinghouse.store import connect
    client = connect(settings.mongo_uri)
    yield lambda service: client[settings.database_name(service)]
    client.close()


@pytest.fixture
def service_config(config):
    """The config ``start_service`` runs a service with unless given one (a folder's conftest
    overrides it: search's adds the engine, notifications' the SMTP server)."""
    return config


@pytest.fixture
def start_service(amqp_uri, cleanup, request):
    """``start_service(ServiceClass, config=None)``: the service running in a container on the
    test's vhost (``service_config`` unless given a config), killed after the test (while the
    next one runs: tests.support.cleanup)."""
    started = []

    def start(service_cls, config=None):
        config = config or request.getfixturevalue("service_config")
        started.append(get_container_cls(config)(service_cls, config))
        started[-1].start()
        return started[-1]
    yield start
    cleanup.kill(started)


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


@pytest.fixture
def partner_users(amqp_uri):
    """After the test, removes every partner the test's vhost holds: RabbitMQ's users are
    broker-wide and would outlive the vhost."""
    yield
    from services.notifications import bus
    partners = bus.PartnerBus(amqp_uri)
    for sub_id in partners.provisioned():
        partners.remove(sub_id)
