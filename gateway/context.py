"""What every resolver of one request shares: the caller, the RPC client, and the
Scheduler whose loaders (each domain's loaders.py) batch related entities into one call each."""
from .auth import Identity
from .loaders import Pending, Scheduler


class RequestContext:
    def __init__(self, identity: Identity, calls):
        self.identity = identity
        self.calls = calls
        self.scheduler = Scheduler()

    @property
    def caller(self) -> dict:
        """Passed on every call: each owner decides what this caller may see or do."""
        return self.identity.caller

    def call(self, service: str, method: str, *args, **kwargs) -> Pending:
        """An RPC made at the next dispatch, in parallel with the other calls and batches."""
        return self.scheduler.defer(lambda: self.calls.call(service, method, *args, **kwargs))
