"""A service that is missing or does not answer is UNAVAILABLE with a clear message, for
that part of the answer only; never a stack trace, never a hung request."""
import pytest

from tests.support import free_port
from tests.support.gateway import code


@pytest.fixture
def gateway_settings(settings):
    # a short RPC timeout, so a silent service costs the test one second
    return settings.replace(gateway_port=free_port(), gateway_rpc_timeout=1.0)


def test_a_service_that_is_not_running_is_unavailable_and_the_rest_is_answered(gateway, members, keys):
    response = gateway(f'{{ organization(id: "{keys["org_id"]}") {{ name }} toolkit(slug: "paid-sick-days") {{ title }} }}')
    assert response["data"] == {"organization": {"name": "Working Families"}, "toolkit": None}
    [error] = response["errors"]
    assert code(error) == "UNAVAILABLE" and error["path"] == ["toolkit"]
    assert error["message"] == ("the toolkits service is not running, so this part of the answer is "
                                "missing; try again shortly")
    # a required field that is unavailable takes its parents with it, as GraphQL says
    response = gateway('{ search(query: "sick") { totalCount } }')
    assert response["data"] is None and code(response["errors"][0]) == "UNAVAILABLE"
    assert "search service is not running" in response["errors"][0]["message"]
    assert "Traceback" not in str(response)


def test_a_service_that_stopped_answering_times_out_as_unavailable(gateway, members, toolkits):
    assert gateway.data("{ toolkits { totalCount } }") == {"toolkits": {"totalCount": 0}}
    toolkits.stop()  # its queue stays bound, so calls wait for an answer that never comes
    response = gateway('{ toolkits { totalCount } statusDefinitions { status } }')
    assert {code(e) for e in response["errors"]} == {"UNAVAILABLE"}
    assert "the toolkits service did not answer list_toolkits within 1s; try again shortly" in \
        [e["message"] for e in response["errors"]]


def test_keys_cannot_be_checked_without_members_so_the_request_is_503(gateway):
    response = gateway.post({"query": "{ viewer { role } }"}, key="some-key")
    assert response.status_code == 503
    [error] = response.json()["errors"]
    assert code(error) == "UNAVAILABLE" and "members service is not running" in error["message"]
    # without a key nothing needs checking
    assert gateway.data("{ viewer { role } }") == {"viewer": {"role": "PUBLIC"}}
