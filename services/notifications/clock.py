"""The service's idea of now, in epoch seconds, kept to the store's clock so that every
replica judges a lease's expiry and a digest's day by the same time (the store's
``hello`` reports its local time; the difference is measured at start and every
RESYNC seconds). Tests move it forward to live through days of retries and digests in a
moment; the service never sleeps on it."""
import datetime as dt
import logging
import time

import eventlet
from nameko.extensions import DependencyProvider

from clearinghouse.siblings import Siblings
from clearinghouse.store import Store

log = logging.getLogger(__name__)

RESYNC = 60.0
MAX_ROUND_TRIP = 0.5  # a slower answer says too little about the store's time to keep


class Clock(DependencyProvider):
    siblings = Siblings()  # the courier finds the clock here

    def setup(self):
        self.offset = 0.0  # moved by tests
        self.skew = 0.0  # the store's clock minus ours
        self.siblings.register(Clock, self)

    def start(self):
        self.store = self.siblings.find(Store)
        self.sync()
        self.container.spawn_managed_thread(self._keep_in_sync)

    def sync(self) -> bool:
        """Measure the store's clock against ours; False (and the last skew kept) if the
        store does not answer quickly."""
        try:
            sent = time.time()
            store_time = self.store.client.admin.command("hello")["localTime"]
            received = time.time()
        except Exception as exc:  # the store away: keep the last skew, try again later
            log.warning("could not read the store's clock (%s: %s)", type(exc).__name__, exc)
            return False
        if received - sent > MAX_ROUND_TRIP:
            return False
        self.skew = store_time.replace(tzinfo=dt.timezone.utc).timestamp() - (sent + received) / 2
        return True

    def _keep_in_sync(self):
        while True:
            eventlet.sleep(RESYNC)
            self.sync()

    def now(self) -> float:
        return time.time() + self.skew + self.offset

    def advance(self, seconds: float):
        self.offset += seconds

    def get_dependency(self, worker_ctx):
        return self
