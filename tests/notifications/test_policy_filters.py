"""Subscription filters for the policy events: by legal theory (case.ruled) and
``sponsored`` (only events naming the member among the sponsors concerned)."""
import pytest

from clearinghouse.errors import BadInput
from clearinghouse.events import cloudevent
from services.notifications import domain

MEMBER_ID, OTHER_ID, ORG_ID = "mem_00000000000000aa", "mem_00000000000000bb", "org_00000000000000aa"


def subscription(owner_id=MEMBER_ID, **fields):
    checked = domain.check_subscription({"channel": "email", "email": "a@example.org", **fields})
    return domain.new_subscription(owner_id, checked, "", 0.0)


def ruled(theories, sponsors=(), states=("al",)):
    return cloudevent("case.ruled", "case/x", {"id": "x", "version": 2, "legal_theories": list(theories),
                                               "sponsor_ids": list(sponsors), "states": list(states),
                                               "issue_areas": ["minimum-wage"]})


def test_legal_theory_filter_matches_rulings_resting_on_it():
    sub = subscription(legal_theories=["home-rule-limits"])
    assert domain.matches(sub, ruled(["home-rule-limits", "police-power"]))
    assert not domain.matches(sub, ruled(["equal-protection"]))
    assert domain.matches(subscription(), ruled(["equal-protection"]))  # no filter: everything


def test_sponsored_matches_only_events_naming_the_member():
    sub = subscription(sponsored=True)
    assert domain.matches(sub, ruled([], sponsors=[MEMBER_ID, OTHER_ID]))
    assert not domain.matches(sub, ruled([], sponsors=[OTHER_ID]))
    assert not domain.matches(sub, ruled([]))


def test_a_case_in_a_state_matches_a_state_filter():
    assert domain.matches(subscription(states=["al"]), ruled([], states=["al", "ga"]))
    assert not domain.matches(subscription(states=["oh"]), ruled([], states=["al"]))


@pytest.mark.parametrize("fields, owner, message", [
    ({"legal_theories": ["astrology"]}, MEMBER_ID, "not allowed"),
    ({"legal_theories": "home-rule-limits"}, MEMBER_ID, "must be a list"),
    ({"sponsored": "yes"}, MEMBER_ID, "true or false"),
    ({"sponsored": True}, ORG_ID, "member's own subscription"),
    ({"sponsored": True}, None, "member's own subscription"),
])
def test_bad_policy_filters_are_refused(fields, owner, message):
    with pytest.raises(BadInput, match=message):
        subscription(owner, **fields)
