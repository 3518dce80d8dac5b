"""Texts compared section by section: the pure diff (texts.compare) and compare_texts
through the use cases (an ordinance against its model, two toolkit versions, two
ordinances), with the hostile input it must refuse."""
import pytest

from clearinghouse.errors import BadInput, NotFound
from services.toolkits import texts
from tests.support import PGH, STAFF
from tests.toolkits.memory import InMemoryToolkitsRepository
from tests.toolkits.test_usecases import Desk, ordinance_data, toolkit_data

MODEL = """Preamble: findings of the council.

## Section 1. Definitions
"Employee" means any person working in the city.

## Section 2. Accrual
One hour of paid sick time for every 30 hours worked.

## Section 3. Enforcement
The city may enforce this ordinance.
"""
CITY = """Preamble: findings of the council.

## Section 1. Definitions
"Employee" means any person working in the city.

## Section 2. Accrual
One hour of paid sick time for every 35 hours worked.

## Section 3. Small employers
Employers with fewer than 15 employees provide 24 hours.
"""


def by_change(result):
    return [(s["change"], s["left_heading"], s["right_heading"]) for s in result["sections"]]


def test_identical_texts_have_only_unchanged_sections():
    result = texts.compare(MODEL, MODEL)
    assert result["identical"] is True
    assert result["counts"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 4}


def test_sections_added_removed_and_changed():
    result = texts.compare(MODEL, CITY)
    assert by_change(result) == [
        ("unchanged", None, None),
        ("unchanged", "Section 1. Definitions", "Section 1. Definitions"),
        ("changed", "Section 2. Accrual", "Section 2. Accrual"),
        ("removed", "Section 3. Enforcement", None),
        ("added", None, "Section 3. Small employers"),
    ]
    changed = result["sections"][2]
    assert changed["diff"] == ["@@ -1 +1 @@", "-One hour of paid sick time for every 30 hours worked.",
                               "+One hour of paid sick time for every 35 hours worked."]
    assert result["identical"] is False


def test_a_renumbered_section_is_the_same_section():
    renumbered = MODEL.replace("## Section 2. Accrual", "## Section 4. Accrual")
    assert texts.compare(MODEL, renumbered)["sections"][2]["change"] == "changed"
    assert texts.compare(MODEL, renumbered)["counts"]["added"] == 0


def test_a_text_with_no_headings_is_one_section():
    assert by_change(texts.compare("one", "two")) == [("changed", None, None)]
    assert texts.compare(None, "")["identical"] is True


def test_oversized_and_overlong_texts_are_refused():
    with pytest.raises(BadInput, match="can be compared"):
        texts.compare("x" * (texts.MAX_COMPARE + 1), "y")
    with pytest.raises(BadInput, match="sections"):
        texts.compare("".join(f"# H{i}\n" for i in range(texts.MAX_SECTIONS + 2)), "")


# -- through the use cases ---------------------------------------------------------------

@pytest.fixture
def desk():
    repo = InMemoryToolkitsRepository()
    staff = Desk(repo, STAFF)
    staff.create_toolkit(toolkit_data(model_ordinance=MODEL))
    staff.publish_toolkit("paid-sick-days", None)
    staff.revise_toolkit("paid-sick-days", {"model_ordinance": MODEL.replace("30 hours", "40 hours")})
    staff.publish_toolkit("paid-sick-days", None)
    staff.revise_toolkit("paid-sick-days", {"model_ordinance": "## Secret draft\nnot yet public"})
    return repo, staff


def test_an_ordinance_against_the_model_version_it_followed(desk):
    repo, staff = desk
    city = staff.record_ordinance(ordinance_data(text=CITY, toolkit={"slug": "paid-sick-days", "version": 1},
                                                 provisions={"accrual_hours_worked": 35}))
    result = Desk(repo, None).compare_texts({"model_of": city["id"]}, {"ordinance_id": city["id"]})
    assert result["left"] == {"kind": "toolkit", "ordinance_id": None, "toolkit_slug": "paid-sick-days",
                              "title": "Paid Sick Days", "version": 1}
    assert result["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2}
    assert [(p["name"], p["left"], p["right"], p["same"]) for p in result["provisions"]] == [
        ("accrual_hours_worked", None, 35, False)]  # a toolkit codes no provisions: the ordinance's alone


def test_two_toolkit_versions_and_never_the_draft_for_the_public(desk):
    repo, _ = desk
    public = Desk(repo, None)
    result = public.compare_texts({"toolkit_slug": "paid-sick-days", "toolkit_version": 1},
                                  {"toolkit_slug": "paid-sick-days"})
    assert result["right"]["version"] == 2  # the latest published, not the pending draft
    assert result["counts"]["changed"] == 1 and "-One hour of paid sick time for every 30 hours worked." in \
        result["sections"][2]["diff"]
    with pytest.raises(NotFound, match="no published version 9"):
        public.compare_texts({"toolkit_slug": "paid-sick-days", "toolkit_version": 9}, {"text": "x"})


def test_two_ordinances_and_their_provisions_side_by_side(desk):
    repo, staff = desk
    a = staff.record_ordinance(ordinance_data(text=MODEL, provisions={"annual_cap_hours": 40}))
    b = staff.record_ordinance(ordinance_data(jurisdiction="ocd-division/country:us/state:wa/place:seattle",
                                              text=MODEL, provisions={"annual_cap_hours": 40}))
    result = staff.compare_texts({"ordinance_id": a["id"]}, {"ordinance_id": b["id"]})
    assert result["identical"] is True
    assert [(p["name"], p["left"], p["right"], p["same"]) for p in result["provisions"]] == [
        ("annual_cap_hours", 40, 40, True)]


@pytest.mark.parametrize("left, right, error, message", [
    ({"ordinance_id": "ord_0123456789abcdef"}, {"text": "x"}, NotFound, "no ordinance 'ord_0123456789abcdef'"),
    ({"toolkit_slug": "no-such-kit"}, {"text": "x"}, NotFound, "no toolkit 'no-such-kit'"),
    ({"ordinance_id": "../etc"}, {"text": "x"}, BadInput, "not a valid id"),
    ({"text": "x" * 200_001}, {"text": "x"}, BadInput, "the limit is 200000"),
    ({"text": "x", "toolkit_slug": "paid-sick-days"}, {"text": "x"}, BadInput, "exactly one of"),
    ({}, {"text": "x"}, BadInput, "exactly one of"),
    ({"text": "x", "title": "a\u0000b"}, {"text": "x"}, BadInput, "control character"),
    ({"text": "x", "toolkit_version": 1}, {"text": "x"}, BadInput, "does not go with"),
    ("a string", {"text": "x"}, BadInput, "must be an object"),
])
def test_hostile_comparisons_are_refused(desk, left, right, error, message):
    repo, _ = desk
    with pytest.raises(error, match=message):
        Desk(repo, None).compare_texts(left, right)


def test_model_of_an_ordinance_without_a_toolkit_is_refused(desk):
    repo, staff = desk
    plain = staff.record_ordinance(ordinance_data(title="No toolkit"))
    with pytest.raises(BadInput, match="records no toolkit"):
        staff.compare_texts({"model_of": plain["id"]}, {"ordinance_id": plain["id"]})


def test_an_ordinance_cannot_claim_an_unpublished_toolkit_version(desk):
    _, staff = desk
    with pytest.raises(BadInput, match="no published version 7"):
        staff.record_ordinance(ordinance_data(jurisdiction=PGH, toolkit={"slug": "paid-sick-days", "version": 7}))
