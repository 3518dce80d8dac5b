"""Stopping what a test started without making the next test wait for it.

A nameko container's queue consumer sees that it must stop only between its one-second
waits for the broker (kombu's ConsumerMixin), so killing a container takes up to a second.
No test needs to wait for that: each runs on a vhost and databases of its own. So the
containers a test started are killed while the next test runs, the test's vhost is deleted
once they are dead, and the session waits for all of it (and fails on what failed) at its end.
"""
import eventlet


class Cleanup:
    def __init__(self):
        self.pool = eventlet.GreenPool()
        self.killing = []  # kills handed over since the last `then`
        self.errors = []

    def kill(self, containers):
        self.killing += [self.pool.spawn(container.kill) for container in containers]

    def then(self, fn, *args):
        """``fn(*args)`` once every container handed to ``kill`` so far is dead."""
        waiting, self.killing = self.killing, []

        def run():
            for kill in waiting:
                self._quietly(kill.wait)  # a container that fails to die is still gone
            self._quietly(fn, *args, record=True)
        self.pool.spawn(run)

    def _quietly(self, fn, *args, record=False):
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 -- reported by finish
            if record:
                self.errors.append(exc)

    def finish(self):
        self.pool.waitall()
        if self.errors:
            raise self.errors[0]
