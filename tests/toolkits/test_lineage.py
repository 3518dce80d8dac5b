"""Lineage trees: spread(shape="tree") over what each ordinance says it was modelled on."""
import pytest

from clearinghouse.errors import BadInput
from services.toolkits import lineage
from tests.support import STAFF
from tests.toolkits.memory import InMemoryToolkitsRepository
from tests.toolkits.test_usecases import Desk, action

SF, SEATTLE, NYC, PGH, PHL = (f"ocd-division/country:us/state:{p}" for p in (
    "ca/place:san_francisco", "wa/place:seattle", "ny/place:new_york", "pa/place:pittsburgh", "pa/place:philadelphia"))
AREA = "paid-sick-leave"


def law(staff, place, passed, models=()):
    return staff.record_ordinance({"title": "Paid sick leave", "jurisdiction": place, "issue_area": AREA,
                                   "derived_from": [{"jurisdiction": m, "issue_area": AREA} for m in models],
                                   "actions": [action("passed", passed)]})


@pytest.fixture
def staff():
    return Desk(InMemoryToolkitsRepository(), STAFF)


def test_a_tree_of_who_copied_whom_with_dates(staff):
    sf = law(staff, SF, "2006-11-07")
    seattle = law(staff, SEATTLE, "2011-09-12", [SF])
    nyc = law(staff, NYC, "2013-06-26", [SF, SEATTLE])
    pgh = law(staff, PGH, "2015-08-03", [SEATTLE])
    phl = law(staff, PHL, "2015-02-12")
    nodes = staff.spread(AREA, "tree")
    assert [(n["ordinance"]["id"], n["depth"], n["parent_id"]) for n in nodes] == [
        (sf["id"], 0, None), (seattle["id"], 1, sf["id"]), (pgh["id"], 2, seattle["id"]),
        (nyc["id"], 1, sf["id"]), (phl["id"], 0, None)]
    by_id = {n["ordinance"]["id"]: n for n in nodes}
    assert by_id[sf["id"]]["child_ids"] == [seattle["id"], nyc["id"]]
    assert by_id[nyc["id"]]["also_derived_from_ids"] == [seattle["id"]]  # named, but Seattle is not the parent
    assert by_id[pgh["id"]]["ordinance"]["first_action"]["date"] == "2015-08-03"
    assert [o["id"] for o in staff.spread(AREA, "list")] == [sf["id"], seattle["id"], nyc["id"], phl["id"], pgh["id"]]


def test_a_cycle_is_broken_rather_than_followed():
    a = {"id": "ord_a", "jurisdiction": SF, "issue_area": AREA, "first_action_date": "2010-01-01",
         "derived_from": [{"jurisdiction": SEATTLE, "issue_area": AREA}]}
    b = {"id": "ord_b", "jurisdiction": SEATTLE, "issue_area": AREA, "first_action_date": "2011-01-01",
         "derived_from": [{"jurisdiction": SF, "issue_area": AREA}]}
    nodes = lineage.tree([a, b])
    # a (older) takes b as its model first; b's naming a would close the loop, so b is a root
    assert [(n["ordinance"]["id"], n["parent_id"], n["depth"]) for n in nodes] == [("ord_b", None, 0),
                                                                                  ("ord_a", "ord_b", 1)]


def test_models_outside_the_data_are_roots_and_bad_refs_are_refused(staff):
    lone = law(staff, SF, "2006-11-07", [SEATTLE])  # Seattle's law is not recorded
    assert [(n["ordinance"]["id"], n["parent_id"]) for n in staff.spread(AREA, "tree")] == [(lone["id"], None)]
    with pytest.raises(BadInput, match="derived_from names the ordinance itself"):
        law(staff, NYC, "2013-06-26", [NYC])
    with pytest.raises(BadInput, match="jurisdiction"):
        law(staff, PGH, "2015-08-03", ["not-an-ocd-id"])
    with pytest.raises(BadInput, match="shape"):
        staff.spread(AREA, "graph")
