"""Feeds on the gateway: Atom feeds of ordinance changes, toolkit publications and asks,
and an iCalendar feed of dated ordinance events, filtered as subscriptions are (issueArea,
state, jurisdiction, type), paged by the owners' checked cursors, cacheable (ETag).

FeedRoutes is mixed into GatewayService: its entrypoints use the gateway's RPC client
(``services``), key cache (``graphql_endpoint``) and ``tracing``. Every owner decides
what the caller may see: the asks feed is for the keys notifications lets read asks."""
from __future__ import annotations

from urllib.parse import urlencode

from nameko.web.handlers import http as route

from clearinghouse.errors import BadInput
from clearinghouse.statuses import ORDINANCE_STATUSES

from . import atom, calendar, http, params

PAGE = 100  # entries at most in one page of a feed
CALENDAR_LIMIT = 2000  # ordinances at most in one calendar; narrow it with the filters beyond that
_PLACE = ("issueArea", "state", "jurisdiction", "type")
_PAGING = ("first", "after")
ATOM = "application/atom+xml"


def feed_path(name: str, **filters) -> str:
    """The path of a feed with its filters (for GraphQL's feedUrl fields)."""
    given = {k: value for k, value in filters.items() if value is not None}
    return f"/feeds/{name}" + (f"?{urlencode(given)}" if given else "")


def _urls(request, given: dict, end_cursor: str | None, has_next: bool) -> tuple[str, str | None, str]:
    """(self, next or None, the feed's id: its filters without paging)."""
    base = request.base_url
    self_url = base + (f"?{urlencode(given)}" if given else "")
    unpaged = {k: value for k, value in given.items() if k not in _PAGING}
    next_url = f"{base}?{urlencode({**{k: v for k, v in given.items() if k != 'after'}, 'after': end_cursor})}" \
        if has_next and end_cursor else None
    return self_url, next_url, f"urn:clearinghouse:feed:{request.path.rsplit('/', 1)[-1]}?{urlencode(sorted(unpaged.items()))}"


class FeedRoutes:
    def _feed(self, request, build):
        """Run ``build(identity) -> Response``; any error becomes its JSON refusal."""
        self.tracing.begin(request.headers.get("traceparent"))
        try:
            return build(http.admitted(self, request))
        except Exception as exc:  # noqa: BLE001 -- every failure is a coded answer, never a traceback
            return http.refusal(exc, self.services.trace_id)

    @route("GET", "/feeds/ordinances.atom")
    def ordinances_feed(self, request):
        """Ordinances, the latest changed first; type is an ordinance status."""
        def build(identity):
            given = params.read(request, _PLACE + _PAGING, "ordinances.atom")
            wanted = params.filters(given)
            status = params.choice(given, "type", ORDINANCE_STATUSES)
            if status:
                wanted["status"] = status
            page = self.services.call("toolkits", "ordinance_changes", wanted, params.first(given, PAGE),
                                      given.get("after"), caller=identity.caller)
            return self._atom(request, given, page, atom.ordinances, private=False)
        return self._feed(request, build)

    @route("GET", "/feeds/toolkits.atom")
    def toolkits_feed(self, request):
        """Published toolkits, the latest changed first, at their latest version."""
        return self._issue_feed(request, "toolkits.atom", "toolkits", "toolkit_publications", atom.toolkits, False)

    @route("GET", "/feeds/asks.atom")
    def asks_feed(self, request):
        """The network's asks, newest first: for keys notifications lets read asks."""
        return self._issue_feed(request, "asks.atom", "notifications", "list_asks", atom.asks, True)

    def _issue_feed(self, request, name, service, method, render, private):
        """A feed of things that have an issue area but no place or type."""
        def build(identity):
            given = params.read(request, ("issueArea",) + _PAGING, f"{name} (it has no place or type)")
            page = self.services.call(service, method, params.filters(given).get("issue_area"),
                                      params.first(given, PAGE), given.get("after"), caller=identity.caller)
            return self._atom(request, given, page, render, private=private)
        return self._feed(request, build)

    @route("GET", "/feeds/calendar.ics")
    def calendar_feed(self, request):
        """Dated ordinance events; type is an event kind (calendar.KINDS)."""
        def build(identity):
            given = params.read(request, _PLACE, "calendar.ics")
            wanted, kind = params.filters(given), params.choice(given, "type", calendar.KINDS)
            ordinances, after = [], None
            while True:
                page = self.services.call("toolkits", "export_ordinances", wanted, 1000, after,
                                          caller=identity.caller)
                ordinances.extend(edge["node"] for edge in page["edges"])
                if len(ordinances) > CALENDAR_LIMIT:
                    raise BadInput(f"over {CALENDAR_LIMIT} ordinances match; narrow the calendar with issueArea, "
                                   "state or jurisdiction")
                if not page["page_info"]["has_next_page"]:
                    break
                after = page["page_info"]["end_cursor"]
            return http.conditional(request, calendar.calendar(ordinances, kind), "text/calendar", private=False)
        return self._feed(request, build)

    def _atom(self, request, given, page, render, private: bool):
        nodes = [edge["node"] for edge in page["edges"]]
        self_url, next_url, feed_id = _urls(request, given, page["page_info"]["end_cursor"],
                                            page["page_info"]["has_next_page"])
        return http.conditional(request, render(nodes, self_url, next_url, feed_id), ATOM, private=private)
