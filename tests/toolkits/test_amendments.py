"""Amendments and provision timelines through the use cases (in-memory repository): what
an amended action changes, the ordinance.amended event, and provisions "as of" a date."""
import pytest

from clearinghouse.errors import BadInput, Forbidden, Unauthenticated
from services.toolkits import amendments
from tests.support import MEMBER, PGH
from tests.toolkits.test_usecases import Desk, action, ordinance_data, repo, staff  # noqa: F401 (fixtures)

TEXT_V1 = "## Section 1. Accrual\n\nOne hour for every 35 hours worked.\n\n## Section 2. Cap\n\n40 hours a year."
TEXT_V2 = "## Section 1. Accrual\n\nOne hour for every 30 hours worked.\n\n## Section 2. Cap\n\n72 hours a year."


def amended(date, changes, source_url="https://example.org/amendment"):
    return {**action("amended", date, source_url), "changes": changes}


@pytest.fixture
def pittsburgh(staff):
    return staff.record_ordinance(ordinance_data(
        text=TEXT_V1, provisions={"accrual_hours_worked": 35, "annual_cap_hours": 40, "effective_date": "2020-03-15"},
        actions=[action("passed", "2015-08-03"), action("effective", "2020-03-15")]))


def test_amendment_changes_provisions_and_text_and_emits_ordinance_amended(repo, staff, pittsburgh):
    changes = {"provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 72}, "text": TEXT_V2,
               "effective_date": "2026-01-01", "summary": "More hours, sooner."}
    after = staff.record_action(pittsburgh["id"], amended("2025-12-10", changes))
    assert after["status"] == "effective"  # an amendment keeps the standing
    assert after["provisions"] == {"accrual_hours_worked": 30, "annual_cap_hours": 72, "effective_date": "2026-01-01"}
    assert (after["text"], after["text_version"]) == (TEXT_V2, 2)
    assert [t["version"] for t in after["texts"]] == [1, 2]
    assert [h["effective_date"] for h in after["provision_history"]] == ["2020-03-15", "2026-01-01"]
    [event] = [e for e in repo.outbox("ordinances", pittsburgh["id"]) if e["type"] == "ordinance.amended"]
    assert event["subject"] == f"ordinance/{pittsburgh['id']}"
    data = event["data"]
    assert (data["effective_date"], data["summary"], data["text_version"], data["version"]) == \
        ("2026-01-01", "More hours, sooner.", 2, after["version"])
    assert data["changed_provisions"] == ["accrual_hours_worked", "annual_cap_hours"]


def test_compare_provisions_as_of_a_date_reads_the_history(staff, pittsburgh):
    staff.record_action(pittsburgh["id"], amended("2025-12-10", {"provisions": {"annual_cap_hours": 72},
                                                                 "effective_date": "2026-01-01"}))
    def cap_on(day):
        [row] = staff.compare_provisions("paid-sick-leave", None, day)["rows"]
        return row["provisions"].get("annual_cap_hours")
    assert cap_on("2019-01-01") is None        # before the law took effect
    assert cap_on("2020-03-15") == 40
    assert cap_on("2025-12-31") == 40          # the amendment was passed but not yet in force
    assert cap_on("2026-01-01") == 72
    assert staff.compare_provisions("paid-sick-leave", None, None)["rows"][0]["provisions"]["annual_cap_hours"] == 72


def test_provision_history_given_at_record_time_answers_as_of(staff):
    recorded = staff.record_ordinance(ordinance_data(
        jurisdiction="ocd-division/country:us/state:wa/place:seattle", issue_area="minimum-wage",
        title="Minimum wage", provisions={"wage_usd": 15},
        provision_history=[{"effective_date": "2016-01-01", "provisions": {"wage_usd": 13}},
                           {"effective_date": "2015-04-01", "provisions": {"wage_usd": 11}}]))
    assert [h["effective_date"] for h in recorded["provision_history"]] == ["2015-04-01", "2016-01-01"]
    assert amendments.provisions_as_of(recorded, "2015-12-31") == {"wage_usd": 11}
    assert amendments.provisions_as_of(recorded, "2014-12-31") == {}


@pytest.mark.parametrize("bad, message", [
    ({"provisions": {"wage_usd": 15}}, "unknown fields"),                 # not a paid-sick-leave field
    ({"provisions": {"annual_cap_hours": -1}}, "whole number"),
    ({"effective_date": "2026-13-01"}, "not a date"),
    ({"text": "x" * (amendments.MAX_TEXT + 1)}, "the limit is"),
    ({}, "is empty"),
    ({"surprise": 1}, "unknown fields"),
])
def test_bad_amendments_are_refused_and_change_nothing(repo, staff, pittsburgh, bad, message):
    before = staff.get_ordinance(pittsburgh["id"])
    with pytest.raises(BadInput, match=message):
        staff.record_action(pittsburgh["id"], amended("2025-12-10", bad))
    assert staff.get_ordinance(pittsburgh["id"]) == before


def test_changes_belong_to_amended_actions_only(staff, pittsburgh):
    with pytest.raises(BadInput, match="amended action only"):
        staff.record_action(pittsburgh["id"], {**action("repealed", "2030-01-01"), "changes": {"summary": "x"}})


def test_provision_history_refuses_two_entries_for_one_date(staff):
    with pytest.raises(BadInput, match="more than one entry"):
        staff.record_ordinance(ordinance_data(provision_history=[
            {"effective_date": "2020-01-01", "provisions": {}}, {"effective_date": "2020-01-01", "provisions": {}}]))


@pytest.mark.parametrize("caller, error", [(None, Unauthenticated), (MEMBER, Forbidden)])
def test_only_staff_amend(repo, staff, pittsburgh, caller, error):
    with pytest.raises(error):
        Desk(repo, caller).record_action(pittsburgh["id"], amended("2025-12-10", {"summary": "x"}))


def test_compare_as_of_refuses_a_bad_date(staff):
    with pytest.raises(BadInput, match="not a date"):
        staff.compare_provisions("paid-sick-leave", None, "yesterday")


def test_an_amendment_in_the_history_given_adds_its_text_version(staff):
    recorded = staff.record_ordinance(ordinance_data(jurisdiction=PGH, text=TEXT_V1, actions=[
        action("passed", "2015-08-03"), amended("2025-12-10", {"text": TEXT_V2})]))
    assert (recorded["text"], recorded["text_version"]) == (TEXT_V2, 2)
