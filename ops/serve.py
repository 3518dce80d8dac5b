"""Run one service in this process: ``python -m ops.serve members``."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 -- before anything opens a socket

import importlib
import logging
import signal
import sys

from nameko.runners import ServiceRunner

from clearinghouse import logs
from clearinghouse.config import Settings

SERVICES = {
    "members": "services.members.service:MembersService",
    "toolkits": "services.toolkits.service:ToolkitsService",
    "search": "services.search.service:SearchService",
    "notifications": "services.notifications.service:NotificationsService",
    "gateway": "gateway.service:GatewayService",
}


def service_class(name: str):
    module, cls = SERVICES[name].split(":")
    return getattr(importlib.import_module(module), cls)


STOP_GRACE = 10.0  # seconds for in-flight work to finish before the process is killed


def stop_within(runner, grace: float):
    """Stop gracefully; kill what is still running after ``grace`` seconds.

    A graceful stop can wait forever: a consumer whose event keeps going back on the
    queue (its owner already stopped) never drains. What was not acknowledged is
    redelivered after the restart, so killing it loses nothing.
    """
    with eventlet.Timeout(grace, False):
        runner.stop()
        return
    logging.getLogger(__name__).warning("services did not stop within %.0fs; killing them", grace)
    runner.kill()


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or list(SERVICES)
    settings = Settings.from_env()
    logs.configure("+".join(names), settings.log_format)
    runner = ServiceRunner(settings.nameko_config())
    for name in names:
        runner.add_service(service_class(name))

    def shutdown(signum, frame):
        eventlet.spawn_n(stop_within, runner, STOP_GRACE)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main()
