"""How long an event waits before it goes back on its queue while the engine or an owner
is away: twice as long after each failure in a row, up to CEILING, and no wait once an
event is indexed again. One per service container, shared by its workers, so that a
missing index costs a requeue every few seconds rather than a tight loop of them."""
import eventlet
from nameko.extensions import DependencyProvider

FIRST = 1.0
CEILING = 10.0  # also how long a stopping container may wait for a waiting worker


class Backoff:
    def __init__(self, first: float = FIRST, ceiling: float = CEILING, sleep=eventlet.sleep):
        self.first, self.ceiling, self.sleep = first, ceiling, sleep
        self.failures = 0

    def failed(self) -> float:
        """Count a failure; the seconds to wait before the event goes back."""
        self.failures = min(self.failures + 1, 32)  # 2**32 seconds is past any ceiling
        return min(self.first * 2 ** (self.failures - 1), self.ceiling)

    def succeeded(self):
        self.failures = 0


class Retries(DependencyProvider):
    """Gives each worker the container's Backoff."""

    def setup(self):
        self.backoff = Backoff()

    def get_dependency(self, worker_ctx):
        return self.backoff
