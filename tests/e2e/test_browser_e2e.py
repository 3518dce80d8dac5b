"""A real browser (headless Chromium) on a web app of another origin: it queries with fetch
and a bearer key, follows an ordinance's status over an SSE subscription as staff change it,
and is refused from an origin the gateway does not allow; GraphiQL loads and runs a query.
Screenshots of each are kept under build/artifacts/."""
import pytest

from tests.support import wait_until
from tests.support.browser import Browser, Site

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"

APP = """<!doctype html>
<html><head><meta charset="utf-8"><title>Ordinance tracker</title></head>
<body>
  <h1>Ordinance tracker</h1>
  <p>Viewer: <span id="viewer">loading</span></p>
  <p>Status: <span id="status">waiting</span></p>
  <script>
    const params = new URLSearchParams(location.hash.slice(1));
    const api = params.get('api'), key = params.get('key'), ordinance = params.get('ordinance');
    fetch(api, {method: 'POST', headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + key},
                body: JSON.stringify({query: '{ viewer { role } }'})})
      .then(r => r.json()).then(r => { document.getElementById('viewer').textContent = r.data.viewer.role; })
      .catch(e => { document.getElementById('viewer').textContent = 'refused: ' + e.name; });
    if (ordinance) {
      const query = 'subscription($f: OrdinanceFilter) { ordinanceChanged(filter: $f) { id status } }';
      const url = api + '?query=' + encodeURIComponent(query) + '&variables=' +
                  encodeURIComponent(JSON.stringify({f: {jurisdiction: params.get('jurisdiction')}}));
      const events = new EventSource(url);
      events.onopen = () => { document.getElementById('status').textContent = 'subscribed'; };
      events.addEventListener('next', e => {
        const changed = JSON.parse(e.data).data.ordinanceChanged;
        if (changed && changed.id === ordinance) document.getElementById('status').textContent = changed.status;
      });
    }
  </script>
</body></html>
"""


@pytest.fixture(scope="module")
def browser():
    opened = Browser()
    yield opened
    opened.close()


@pytest.fixture
def app_site():
    site = Site(APP)
    yield site
    site.close()


@pytest.fixture
def gateway_settings(gateway_settings, app_site):
    return gateway_settings.replace(gateway_cors_origins=app_site.origin)


def test_a_web_app_on_another_origin_queries_and_follows_an_ordinance_live(browser, app_site, gateway, keys,
                                                                           toolkits):
    staff = keys["staff"]
    ordinance = gateway.data("mutation($input: OrdinanceInput!) { recordOrdinance(input: $input) { id } }",
                             {"input": {"title": "Paid Sick Days Act", "jurisdiction": PGH,
                                        "issueArea": "paid-sick-leave",
                                        "actions": [{"type": "introduced", "date": "2015-06-01"}]}},
                             key=staff)["recordOrdinance"]["id"]
    browser.open(f"{app_site.origin}/#api={gateway.url}&key={keys['member']}&ordinance={ordinance}"
                 f"&jurisdiction={PGH}")
    browser.wait_for_text("#viewer", lambda t: t == "MEMBER", message="the query's answer in the page")
    browser.wait_for_text("#status", lambda t: t == "subscribed", message="the subscription open")
    browser.screenshot("browser-query")
    gateway.data("mutation($id: ID!, $action: ActionInput!) { recordOrdinanceAction(ordinanceId: $id, "
                 "action: $action) { status } }", {"id": ordinance, "action": {"type": "passed", "date": "2015-08-03"}},
                 key=staff)
    browser.wait_for_text("#status", lambda t: t == "passed", message="the new status shown by the page")
    assert browser.screenshot("browser-live-status").stat().st_size > 1000


def test_a_web_app_on_an_origin_not_allowed_is_refused_by_the_browser(browser, gateway, keys):
    other = Site(APP, host="localhost")  # same page, another origin: not in GATEWAY_CORS_ORIGINS
    try:
        browser.open(f"{other.origin}/#api={gateway.url}&key={keys['member']}")
        browser.wait_for_text("#viewer", lambda t: t.startswith("refused"), message="the browser's refusal")
        assert browser.text("#viewer") == "refused: TypeError"  # fetch could not read the answer
        browser.screenshot("browser-origin-refused")
    finally:
        other.close()


def test_graphiql_loads_from_the_gateway_and_runs_a_query(browser, gateway, members, toolkits):
    browser.open(gateway.url)
    wait_until(lambda: browser.script("return !!document.querySelector('.graphiql-execute-button')"), timeout=30,
               message="GraphiQL loaded (from the gateway's own assets)")
    browser.script("document.querySelector('.graphiql-execute-button').click();")  # its default query

    def answer():
        shown = browser.script("const r = document.querySelector('.result-window'); return r ? r.innerText : '';")
        return '"data"' in shown and '"toolkits"' in shown
    wait_until(answer, timeout=30, message="GraphiQL's answer")
    browser.screenshot("graphiql-query")
