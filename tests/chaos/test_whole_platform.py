"""The whole platform under faults (tests.chaos.scenario): replicas killed with -9, the broker
cut away, the store restarted, while a load writes and partners receive webhooks; nothing a
client was told succeeded is lost, no side effect happens twice, everything is searchable.

`make test` runs the short form (one fault of each kind); `make chaos` sets CHAOS_FORM=full
(several rounds of every fault, more load), and also prints the tally on its own."""
import os

import pytest

from tests.chaos import scenario

pytestmark = pytest.mark.chaos


def test_nothing_acknowledged_is_lost_duplicated_or_unsearchable_under_faults(tmp_path):
    form = scenario.FULL if os.environ.get("CHAOS_FORM") == "full" else scenario.SHORT
    lines = []
    tally = scenario.run(form, tmp_path, say=lines.append)
    report = "\n".join(lines)
    assert tally.acknowledged >= form.rounds * (len(form.killed) + 2) * form.writes_between_faults, report
    assert lines[-1] == tally.line() and lines[-1].startswith(f"acknowledged={tally.acknowledged} "), report
    assert (len(tally.lost), len(tally.duplicated), len(tally.unsearchable)) == (0, 0, 0), report
    assert not tally.out_of_order, report
