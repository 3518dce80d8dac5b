"""What every resolver of one request shares: the caller, the RPC client, and the loaders
that batch related entities (sponsors, experts, toolkits, search hits) into one call each."""
import eventlet

from .auth import Identity
from .loaders import Pending, Scheduler

# Lists nested under an entity (a member's sponsored ordinances, a toolkit's ordinances)
# are fetched up to this many; the services' page limit.
NESTED_LIST_LIMIT = 100


class RequestContext:
    def __init__(self, identity: Identity, calls):
        self.identity = identity
        self.calls = calls
        self.scheduler = Scheduler()
        role = identity.role
        self.members = self.scheduler.loader(
            lambda ids: calls.call("members", "get_members", ids, caller_role=role))
        self.organizations = self.scheduler.loader(
            lambda ids: calls.call("members", "get_organizations", ids))
        self.toolkits = self.scheduler.loader(lambda slugs: calls.call("toolkits", "get_toolkits", slugs))
        self.ordinances = self.scheduler.loader(lambda ids: calls.call("toolkits", "get_ordinances", ids))
        self.asks = self.scheduler.loader(lambda ids: calls.call("notifications", "get_asks", ids))
        # No batch RPC lists ordinances for many sponsors or toolkits at once, so these
        # loaders make their calls side by side: one round trip, not one per entity.
        self.sponsored = self.scheduler.loader(lambda ids: self._ordinances_by("sponsor_id", ids))
        self.toolkit_ordinances = self.scheduler.loader(lambda slugs: self._ordinances_by("toolkit_slug", slugs))

    @property
    def role(self) -> str:
        return self.identity.role

    def call(self, service: str, method: str, *args, **kwargs) -> Pending:
        """An RPC made at the next dispatch, in parallel with the other calls and batches."""
        return self.scheduler.defer(lambda: self.calls.call(service, method, *args, **kwargs))

    def _ordinances_by(self, key, values):
        def one(value):
            try:
                page = self.calls.call("toolkits", "list_ordinances", {key: value}, first=NESTED_LIST_LIMIT)
            except Exception as exc:  # noqa: BLE001 -- raised below, in the request's thread
                return exc
            return [edge["node"] for edge in page["edges"]]
        pool = eventlet.GreenPool(min(8, len(values)))
        results = list(pool.imap(one, values))
        failed = next((r for r in results if isinstance(r, Exception)), None)
        if failed is not None:
            raise failed
        return results
