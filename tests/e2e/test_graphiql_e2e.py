"""GraphiQL on GET /graphql loads everything from the gateway itself (no third-party CDN),
with its licences, and GATEWAY_GRAPHIQL=off serves neither page nor assets."""
import re
import urllib.parse

import pytest
import requests

from clearinghouse.embedded import free_port
from gateway import graphiql

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}


@pytest.fixture
def base(gateway):
    return gateway.url.removesuffix("/graphql")


def referenced(page: str) -> list[str]:
    """Every URL the page loads or links: src and href attributes."""
    return re.findall(r'(?:src|href)="([^"]+)"', page)


def test_the_page_loads_only_from_the_gateway_and_every_asset_is_served(base):
    response = requests.get(f"{base}/graphql", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert re.findall(r"https?://[^\s\"'<>`]+", page) == []  # no absolute URL of anyone else's
    urls = referenced(page)
    assert len(urls) == 4  # stylesheet, react, react-dom, graphiql
    for url in urls:
        assert not urllib.parse.urlsplit(url).netloc and url.startswith("/graphiql/"), url
        asset = requests.get(base + url, timeout=10)
        assert asset.status_code == 200, url
        assert asset.headers["Content-Type"].startswith(CONTENT_TYPES[url[url.rindex("."):]]), url
        assert len(asset.content) > 1000, url
    # browsers are told to load from nowhere else
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_licences_of_graphiql_react_and_react_dom_are_served(base):
    for package in ("graphiql", "react", "react-dom"):
        licence = requests.get(f"{base}/graphiql/LICENSE.{package}.txt", timeout=10)
        assert licence.status_code == 200 and licence.headers["Content-Type"].startswith("text/plain")
        assert "MIT License" in licence.text


def test_only_known_assets_are_served(base):
    for name in ("service.py", "..%2Fservice.py", "graphiql.min.js.map"):
        response = requests.get(f"{base}/graphiql/{name}", timeout=10)
        assert response.status_code == 404, name
    assert "the assets are: graphiql.min.css" in requests.get(f"{base}/graphiql/nope.js", timeout=10).text


def test_without_the_assets_installed_the_page_and_assets_say_how_to_install_them(base, monkeypatch, tmp_path):
    monkeypatch.setattr(graphiql, "ASSET_DIR", tmp_path / "missing")
    for path in ("/graphql", "/graphiql/graphiql.min.js"):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 404, path
        assert "run `make setup`" in response.text, path


def test_graphiql_off_serves_no_page_and_no_assets(start_service, settings):
    from gateway.service import GatewayService
    settings = settings.replace(gateway_port=free_port(), gateway_graphiql=False)
    config = settings.nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{settings.gateway_port}"
    start_service(GatewayService, config)
    base = f"http://127.0.0.1:{settings.gateway_port}"
    for path in ("/graphql", "/graphiql/graphiql.min.js", "/graphiql/LICENSE.graphiql.txt"):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 404, path
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
