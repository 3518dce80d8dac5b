"""The courier: the service's one handle on carrying deliveries. It puts together intake
(an event becomes deliveries), the scheduler (lanes, chains, leases, flushes, digests and
ask emails) and the channels (webhook and email), and runs the scheduler's threads for as
long as the container runs."""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from clearinghouse.config import Settings
from clearinghouse.siblings import Siblings
from clearinghouse.store import Store

from .channels import Channels
from .clock import Clock
from .intake import Intake
from .scheduling import Scheduler


class Courier(DependencyProvider):
    intake = scheduler = None
    siblings = Siblings()  # the Store and the Clock register there

    def setup(self):
        self.channels = Channels(Settings.from_nameko(self.container.config))

    def start(self):
        # from start on: every provider has been set up, the Store's repository included
        repo, clock = self.siblings.find(Store).repository, self.siblings.find(Clock)
        self.scheduler = Scheduler(repo, clock, self.channels)
        self.intake = Intake(repo, clock, self.scheduler.wake_lanes)
        self.scheduler.start(self.container.spawn_managed_thread)

    def stop(self):
        if self.scheduler is not None:
            self.scheduler.stop()
        self.channels.close()

    def kill(self):
        if self.scheduler is not None:
            self.scheduler.kill()

    def get_dependency(self, worker_ctx):
        return self

    def take(self, event: dict) -> int:
        return self.intake.take(event)

    def wake(self):
        self.scheduler.wake()

    def sweep(self):
        """Everything due now, both lanes (tests call this to act at once)."""
        self.scheduler.sweep()
