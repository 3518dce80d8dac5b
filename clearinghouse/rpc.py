"""The RPC entrypoint every service uses: nameko's, with store outages and our typed
errors handled in one place."""
import sys

from nameko import rpc as nameko_rpc
from pymongo.errors import ConnectionFailure

from .errors import ClearinghouseError, Unavailable


class Rpc(nameko_rpc.Rpc):
    def __init__(self, **kwargs):
        # Our typed errors are answers, not crashes, and a store away is an outage, not a
        # bug: nameko logs both as expected (one line each, see clearinghouse.logs).
        kwargs.setdefault("expected_exceptions", (ClearinghouseError, ConnectionFailure))
        super().__init__(**kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None and isinstance(exc_info[1], ConnectionFailure):
            try:
                raise Unavailable(
                    f"the {self.container.service_name} store is unavailable "
                    f"({type(exc_info[1]).__name__}); try again shortly"
                ) from exc_info[1]
            except Unavailable:
                exc_info = sys.exc_info()
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator
