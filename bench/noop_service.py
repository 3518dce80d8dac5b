"""The baseline: an RPC that does nothing, on the same broker."""
from nameko.rpc import rpc


class NoopService:
    name = "noop"

    @rpc
    def ping(self, *args, **kwargs):
        return None
