"""Service containers started on a config and handed to tests.support.cleanup to kill, for
fixtures wider than a test (a test's own services come from the ``start_service`` fixture)."""
from nameko.containers import get_container_cls


class Containers:
    """``start(ServiceClass, config)`` runs the service in a container; ``stop(then, *args)``
    has the cleanup kill them all in the background and run ``then(*args)`` once they are dead."""

    def __init__(self, cleanup):
        self.cleanup = cleanup
        self.started = []

    def start(self, service_cls, config):
        container = get_container_cls(config)(service_cls, config)
        self.started.append(container)  # before start: a half-started container is killed too
        container.start()
        return container

    def stop(self, then, *args):
        self.cleanup.kill(self.started)
        self.started = []
        self.cleanup.then(then, *args)
