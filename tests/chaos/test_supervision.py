"""The runner's supervision on its own: a child that dies is started again, at once the
first time and then with back-off; one that keeps dying is reported with its log."""
import subprocess
import sys

from clearinghouse.config import Settings
from clearinghouse.embedded import EmbeddedMongo
from ops.runner import Child, Platform, Restarts


def dying(code=3):
    return lambda: subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"])


def test_back_off_doubles_while_a_child_keeps_dying_and_forgives_after_a_minute():
    restarts = Restarts()
    assert [restarts.died(t) for t in (0, 1, 2, 3, 4)] == [0, 1, 2, 4, 8]
    assert restarts.often
    assert restarts.died(200) == 0 and not restarts.often


def test_a_store_that_keeps_dying_is_restarted_and_reported_plainly(caplog, tmp_path):
    platform = Platform(Settings())
    store = Child("nx-27017 (embedded MongoDB)", dying(), str(tmp_path / "nx-27017.out"))
    store.start()
    platform.stores.append(store)
    started = []
    for now in (0.0, 1.0, 2.0, 3.0, 10.0, 20.0, 30.0):
        store.proc.wait()
        pid = store.proc.pid
        platform.check(now)
        if store.proc.pid != pid:
            started.append(now)
    out = "\n".join(r.getMessage() for r in caplog.records) + "\n"
    assert "nx-27017 (embedded MongoDB) exited with 3; restarting it\n" in out
    assert "nx-27017 (embedded MongoDB) keeps dying: 3 times in the last minute, last exit code 3; " \
           f"its log: {tmp_path / 'nx-27017.out'}; restarting it in 2 s" in out
    assert started[0] == 0.0 and len(started) < 7  # at once the first time, then spaced out
    store.proc.wait()


def test_a_stale_pid_file_does_not_keep_the_embedded_store_from_starting(tmp_path):
    mongo = EmbeddedMongo(tmp_path / "mongo")
    mongo.data_dir.mkdir(parents=True)
    # a pid file naming a live process that is not nx-27017 (a reused pid): nx-27017 would refuse
    mongo.pid_file.write_text(str(subprocess.os.getpid()))
    try:
        mongo.start()
        assert mongo.leftover_pid() == mongo.proc.pid  # its own pid file, recognised as nx-27017
    finally:
        mongo.stop()
