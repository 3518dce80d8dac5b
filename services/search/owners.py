"""What search reads from the services that own the data, over RPC only: every entity,
page by page, for a rebuild (events carry the public view, so nothing is read for them).

Every call has a deadline (clearinghouse.rpc.Deadlined): nameko's RPC proxy waits for
ever on a service whose queue exists but that nobody consumes (it is down), and a search
worker must not.
"""
from __future__ import annotations

from types import SimpleNamespace

from clearinghouse.events import OWNERS
from clearinghouse.rpc import Deadlined

PAGE = 100
# Asks are not public: search reads them as staff and decides itself who may find them
# (index.visible_types). Everything else it reads as the public sees it.
READER = {"role": "staff"}


class Owners:
    def __init__(self, proxies):
        """``proxies`` has one attribute per owning service (``proxies.members``...), each
        call with a deadline: the search service's ServiceRpc dependencies, or
        ``Owners.standalone`` over a ClusterRpcProxy."""
        self.proxies = proxies

    @classmethod
    def standalone(cls, cluster_proxy, timeout: float) -> "Owners":
        return cls(SimpleNamespace(**{service: Deadlined(getattr(cluster_proxy, service), timeout)
                                      for service in set(OWNERS.values())}))

    def _call(self, kind: str, method: str, *args, **kwargs):
        return getattr(getattr(self.proxies, OWNERS[kind]), method)(*args, **kwargs)

    def pages(self, kind: str, first: int = PAGE):
        """Yield (entities, total_count) page by page, in the owner's order."""
        after = None
        while True:
            page = self._list(kind, first, after)
            yield [edge["node"] for edge in page["edges"]], page["total_count"]
            if not page["page_info"]["has_next_page"]:
                return
            after = page["page_info"]["end_cursor"]

    def _list(self, kind, first, after):
        if kind == "member":
            return self._call(kind, "list_members", filter=None, first=first, after=after)
        if kind == "toolkit":
            return self._call(kind, "list_toolkits", first=first, after=after)
        if kind == "ordinance":
            return self._call(kind, "list_ordinances", filter=None, first=first, after=after)
        return self._call(kind, "list_asks", first=first, after=after, caller=READER)
