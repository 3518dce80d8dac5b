"""Search on a real broker and the embedded search server over HTTP, with the real
owner services (members, toolkits, notifications) in containers of the same test."""
import pytest

from services.members.service import MembersService
from services.search.repository import SearchRepository
from services.search.service import SearchService
from services.search.transport import client, is_embedded
from tests.support import AsStaff, wait_until


@pytest.fixture
def service_config(search_config):
    """What start_service runs a service with here: the test's search engine too."""
    return search_config


@pytest.fixture
def es(search_settings):
    """The raw engine client, for reading what the index really holds."""
    es = client(search_settings.elasticsearch_url, embedded=is_embedded(search_settings.elasticsearch_url))
    yield es
    # by name: Elasticsearch 8 refuses wildcard deletes by default
    for name in es.indices.get(index=f"{search_settings.database_name('search')}*"):
        es.indices.delete(index=name, ignore_unavailable=True)
    es.close()


@pytest.fixture
def raw_index(es, search_settings):
    return SearchRepository(es, search_settings.database_name("search"))


@pytest.fixture
def staff(rpc):
    """``rpc`` with every call to an owner service made as STAFF (setup writes)."""
    return AsStaff(rpc)


@pytest.fixture
def members(start_service):
    return start_service(MembersService)


@pytest.fixture
def search(start_service, es, rpc):
    container = start_service(SearchService)
    # the start-up rebuild (the index is empty) finishes before a test begins
    wait_until(lambda: rpc.search.rebuild_status()["state"] in ("done", "failed"), timeout=30,
               message="the start-up rebuild")
    return container
