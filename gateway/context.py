"""What every resolver of one request shares: the caller, the RPC client, and the loaders
that batch related entities (sponsors, experts, toolkits, search hits) into one call each."""
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
        caller = identity.caller  # every owner decides what this caller may see
        self.members = self.scheduler.loader(
            lambda ids: calls.call("members", "get_members", ids, caller=caller))
        self.organizations = self.scheduler.loader(
            lambda ids: calls.call("members", "get_organizations", ids, caller=caller))
        self.toolkits = self.scheduler.loader(lambda slugs: calls.call("toolkits", "get_toolkits", slugs, caller=caller))
        self.ordinances = self.scheduler.loader(lambda ids: calls.call("toolkits", "get_ordinances", ids, caller=caller))
        self.asks = self.scheduler.loader(lambda ids: calls.call("notifications", "get_asks", ids, caller=caller))
        self.sponsored = self.scheduler.loader(
            lambda ids: calls.call("toolkits", "ordinances_of", "sponsor_id", ids, limit=NESTED_LIST_LIMIT,
                                     caller=caller))
        self.toolkit_ordinances = self.scheduler.loader(
            lambda slugs: calls.call("toolkits", "ordinances_of", "toolkit_slug", slugs, limit=NESTED_LIST_LIMIT,
                                     caller=caller))

    @property
    def role(self) -> str:
        return self.identity.role

    def call(self, service: str, method: str, *args, **kwargs) -> Pending:
        """An RPC made at the next dispatch, in parallel with the other calls and batches."""
        return self.scheduler.defer(lambda: self.calls.call(service, method, *args, **kwargs))
