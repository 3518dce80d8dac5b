"""The chaos tests' own fixture: one running platform for the tests that leave it running."""
import pytest

from tests.chaos.platform import Platform
from tests.support import create_vhost, delete_vhost


@pytest.fixture(scope="module")
def running_platform(tmp_path_factory):
    """`clearinghouse run` on a vhost and data folder of its own, shared by a module's tests
    that leave it running (a start is the slow part); it must stop cleanly afterwards."""
    folder = tmp_path_factory.mktemp("platform")
    amqp_uri = create_vhost()
    platform = Platform(folder / "data", amqp_uri, folder / "run.log").start()
    try:
        platform.wait_running()
        yield platform
    finally:
        platform.stop()
        delete_vhost(amqp_uri)
    assert platform.proc.returncode == 0
