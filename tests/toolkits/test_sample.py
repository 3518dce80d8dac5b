"""The sample data set loads through the RPCs (so it passes every check) and tells the
stories it should: Pittsburgh's reversal and Birmingham's preemption."""
import pytest

from services.toolkits import sample
from services.toolkits.service import ToolkitsService


@pytest.fixture
def toolkits(start_service):
    return start_service(ToolkitsService)


def test_sample_loads_once_and_tells_the_pittsburgh_and_birmingham_stories(toolkits, rpc):
    sample.load(rpc)
    sample.load(rpc)  # a second start loads nothing more
    assert rpc.toolkits.list_ordinances()["total_count"] == len(sample.ORDINANCES)
    pgh = rpc.toolkits.list_ordinances(filter={"jurisdiction": sample.PGH})["edges"][0]["node"]
    assert [a["type"] for a in pgh["actions"]][-4:] == ["struck_down", "appealed", "reinstated", "effective"]
    assert pgh["status"] == "effective" and all(a["source_url"] for a in pgh["actions"])
    verdict = rpc.toolkits.can_pass(sample.BIRMINGHAM, "minimum-wage")
    assert verdict["verdict"] == "preempted" and "Act 2016-18" in verdict["explanation"]
    assert [p["jurisdiction"] for p in verdict["peers"]] == [sample.SEATTLE]
    assert rpc.toolkits.can_pass(sample.PGH, "paid-sick-leave")["toolkit_slug"] == "paid-sick-days"
    assert [o["jurisdiction"] for o in rpc.toolkits.spread("fair-scheduling")] == [sample.SF, sample.SEATTLE]
    assert all("Sample" in o["notes"] for o in rpc.toolkits.spread("minimum-wage"))
