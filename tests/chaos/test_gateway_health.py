"""The gateway's health: live while it answers, ready only while the broker answers."""
import urllib.parse

import pytest
import requests

from gateway.service import GatewayService
from tests.support import free_port, wait_until
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.chaos


def test_the_gateway_is_ready_only_while_the_broker_answers(start_service, settings):
    parsed = urllib.parse.urlparse(settings.amqp_uri)
    proxy = TcpProxy(parsed.hostname, parsed.port or 5672)
    port = free_port()
    amqp_uri = parsed._replace(netloc=f"{parsed.username}:{parsed.password}@127.0.0.1:{proxy.port}").geturl()
    config = settings.replace(amqp_uri=amqp_uri, gateway_port=port).nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{port}"
    container = start_service(GatewayService, config)
    base = f"http://127.0.0.1:{port}/health"
    try:
        assert requests.get(f"{base}/live", timeout=30).status_code == 200
        assert requests.get(f"{base}/ready", timeout=30).json() == {"status": "ready"}
        proxy.cut()
        answer = requests.get(f"{base}/ready", timeout=30)
        assert answer.status_code == 503 and answer.json()["status"] == "not ready"
        assert requests.get(f"{base}/live", timeout=30).status_code == 200
        proxy.restore()
        wait_until(lambda: requests.get(f"{base}/ready", timeout=30).status_code == 200,
                   message="ready again once the broker answers")
    finally:
        proxy.restore()
        container.stop()  # while the proxy still carries its connection
        proxy.close()
