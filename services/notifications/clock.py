"""The service's idea of now, in epoch seconds. Tests move it forward to live through
days of retries and digests in a moment; the service never sleeps on it."""
import time

from nameko.extensions import DependencyProvider

from clearinghouse.siblings import Siblings


class Clock(DependencyProvider):
    siblings = Siblings()  # the courier finds the clock here

    def setup(self):
        self.offset = 0.0
        self.siblings.register(Clock, self)

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float):
        self.offset += seconds

    def get_dependency(self, worker_ctx):
        return self
