"""The GraphiQL page served on GET /graphql when introspection is on (development), and its
assets on GET /graphiql/<asset>, served from this project: no third-party CDN sees our users.

The assets are pinned npm packages (graphiql, react, react-dom), fetched by `make setup` into
gateway/static/graphiql/ (not committed) with each package's licence beside them.
"""
from __future__ import annotations

from pathlib import Path

from werkzeug.wrappers import Response

ASSET_DIR = Path(__file__).resolve().parent / "static" / "graphiql"

# What may be served, and as what: the page's assets and their licences, nothing else.
ASSETS = {
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
    "graphiql.min.js": "text/javascript",
    "LICENSE.graphiql.txt": "text/plain",
    "LICENSE.react.txt": "text/plain",
    "LICENSE.react-dom.txt": "text/plain",
}

# Browsers load nothing from elsewhere, even if an asset asked them to.
POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
          "font-src 'self' data:; img-src 'self' data:; connect-src 'self'")

NOT_INSTALLED = ("GraphiQL's assets are not installed on this server: run `make setup` (it fetches them "
                 "into gateway/static/graphiql/), or POST queries to /graphql")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Clearinghouse GraphQL</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL&hellip; (or POST queries to this URL)</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
    const defaultQuery = `# Welcome to Clearinghouse. Add a key under Headers:
#   {"Authorization": "Bearer <your api key>"}
# (no key = the public view). Try:
{
  toolkits(issueArea: "paid-sick-leave", first: 5) {
    edges { node { slug title status experts { name } } }
  }
}
`;
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: 'headers' }));
  </script>
  <!-- GraphiQL, React and React DOM are MIT-licensed: /graphiql/LICENSE.graphiql.txt,
       /graphiql/LICENSE.react.txt, /graphiql/LICENSE.react-dom.txt -->
</body>
</html>
"""


def installed() -> bool:
    return all((ASSET_DIR / name).is_file() for name in ASSETS)


def page() -> Response:
    """The page, or a 404 that says how to install its assets."""
    if not installed():
        return Response(NOT_INSTALLED, status=404, mimetype="text/plain")
    return Response(PAGE, mimetype="text/html", headers={"Content-Security-Policy": POLICY})


def asset(name: str) -> Response:
    """One asset by name; 404 for any other name, or with how to install them if missing."""
    if name not in ASSETS:
        return Response(f"no GraphiQL asset {name!r}; the assets are: {', '.join(ASSETS)}",
                        status=404, mimetype="text/plain")
    path = ASSET_DIR / name
    if not path.is_file():
        return Response(NOT_INSTALLED, status=404, mimetype="text/plain")
    # Pinned versions: a browser may keep them for a day without asking again.
    return Response(path.read_bytes(), mimetype=ASSETS[name], headers={"Cache-Control": "public, max-age=86400"})
