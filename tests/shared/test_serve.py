"""Stopping a service process: in-flight work gets a grace period, then it is killed, so
a consumer that can never drain does not keep `make run` (or a deploy) from stopping."""
import eventlet
from eventlet.event import Event
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy

from clearinghouse.rpc import rpc
from ops.serve import stop_within
from tests.support import wait_until

STARTED = Event()


class Stuck:
    name = "stuck"

    @rpc
    def wait_forever(self):
        STARTED.send(True)
        eventlet.sleep(3600)


class Quick:
    name = "quick"

    @rpc
    def ping(self):
        return "pong"


def test_a_worker_that_never_finishes_is_killed_after_the_grace_period(config):
    runner = ServiceRunner(config)
    runner.add_service(Stuck)
    runner.start()
    with ClusterRpcProxy(config) as proxy:
        proxy.stuck.wait_forever.call_async()
        STARTED.wait()
        stop_within(runner, grace=0.5)
    container = next(iter(runner.containers))
    assert container._died.ready()
    assert not container._worker_threads  # the stuck worker was killed


def test_an_idle_service_stops_gracefully(config):
    runner = ServiceRunner(config)
    runner.add_service(Quick)
    runner.start()
    with ClusterRpcProxy(config) as proxy:
        assert proxy.quick.ping() == "pong"
    stop_within(runner, grace=30)
    wait_until(lambda: next(iter(runner.containers))._died.ready(), message="the container to stop")
