"""A service in its own process, as `make run` starts it, so a test can kill -9 it."""
import os
import subprocess
import sys

from clearinghouse.embedded import dies_with_parent


def spawn_service(name, settings, **env):
    """``ops.serve name`` in a process of its own on the test's settings (the
    in-process ``start_service`` fixture cannot be killed with -9)."""
    env = {**os.environ, "AMQP_URI": settings.amqp_uri, "MONGO_URI": settings.mongo_uri,
           "CLEARINGHOUSE_DB_PREFIX": settings.db_prefix, "CLEARINGHOUSE_NO_METRICS": "1", **env}
    return subprocess.Popen([sys.executable, "-m", "ops.serve", name], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=dies_with_parent)  # never outlives a killed test run


def answers(call) -> bool:
    """True once ``call()`` returns: the service is up and consuming."""
    try:
        call()
        return True
    except Exception:
        return False
