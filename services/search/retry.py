"""How long an event waits before it goes back on its queue while the engine or an owner
is away: 1 s, then twice as long after each failure in a row up to 10 s, and no wait
once an event is indexed again (clearinghouse.backoff). One per service container,
shared by its workers, so that a missing index costs a requeue every few seconds rather
than a tight loop of them. 10 s is also how long a stopping container may wait for a
waiting worker."""
import eventlet
from nameko.extensions import DependencyProvider

from clearinghouse.backoff import Backoff


def event_backoff(sleep=eventlet.sleep) -> Backoff:
    return Backoff(first=1.0, ceiling=10.0, sleep=sleep)


class Retries(DependencyProvider):
    """Gives each worker the container's event_backoff."""

    def setup(self):
        self.backoff = event_backoff()

    def get_dependency(self, worker_ctx):
        return self.backoff
