"""Every event carries its entity's public view and never a private field: each type in the
catalog is made by a real write to the real owner (members, toolkits, notifications on a
real broker and store) and read off the bus with the event tap, as a partner would."""
import json

import pytest

from clearinghouse.events import CATALOG, PRIVATE_FIELDS, cloudevent, private_fields
from services.members.service import MembersService
from services.notifications.service import NotificationsService
from services.toolkits.service import ToolkitsService
from tests.support import PGH, AsStaff, wait_until

# what a write may hold that no event may show: contact details and a draft's text
SECRETS = ("pat.private@example.org", "555-0199", "DRAFT-ONLY-TITLE", "draft-only summary words")


@pytest.fixture
def owners(start_service):
    for service in (MembersService, ToolkitsService, NotificationsService):
        start_service(service)


def every_event_type(staff):
    member = staff.members.create_member({
        "name": "Pat Private", "status": "active", "email": "pat.private@example.org", "phone": "555-0199",
        "issue_areas": ["minimum-wage"],
        "offices": [{"role": "Councilmember", "body": "City Council", "jurisdiction": PGH}]})
    staff.members.update_member(member["id"], {"bio": "Passed paid sick days."})
    staff.members.update_member(member["id"], {"status": "alumni"})
    staff.members.create_organization({"name": "Working Families", "kind": "advocacy"})
    asker = staff.members.create_member({"name": "Ann Asker", "status": "active", "email": "pat.private@example.org"})
    staff.toolkits.create_toolkit({"slug": "fifteen", "title": "Fifteen", "issue_area": "minimum-wage",
                                   "summary": "A fifteen dollar wage.", "model_ordinance": "Section 1. " * 2000})
    staff.toolkits.publish_toolkit("fifteen")
    staff.toolkits.revise_toolkit("fifteen", {"title": "DRAFT-ONLY-TITLE", "summary": "draft-only summary words"})
    staff.toolkits.archive_toolkit("fifteen")
    ordinance = staff.toolkits.record_ordinance({"title": "Minimum wage ordinance", "jurisdiction": PGH,
                                                 "issue_area": "minimum-wage", "sponsor_ids": [member["id"]]})
    staff.toolkits.record_action(ordinance["id"], {"type": "introduced", "date": "2020-01-02"})
    staff.toolkits.set_preemption({"state": "pa", "issue_area": "minimum-wage", "scope": "full"})
    staff.toolkits.record_action(ordinance["id"], {"type": "amended", "date": "2020-02-03", "changes": {
        "provisions": {"wage_usd": 15}, "effective_date": "2021-01-01", "summary": "Fifteen by 2021."}})
    staff.toolkits.record_case({"slug": "diner-v-pittsburgh", "title": "Diner v. Pittsburgh", "court": "Common Pleas",
                                "challenged": {"ordinances": [{"ordinance_id": ordinance["id"]}]},
                                "legal_theories": ["state-preemption"]})
    staff.toolkits.record_ruling("diner-v-pittsburgh", {
        "date": "2020-03-04", "court": "Common Pleas", "outcome": "for_defendant", "summary": "Upheld.",
        "source_url": "https://courts.example.org/ruling", "ordinance_action": None})
    bill = {"state": "pa", "bill_id": "HB 1", "session": "2025-2026", "title": "Preempt wages", "status": "introduced",
            "issue_areas": ["minimum-wage"], "would_void": [{"jurisdiction": PGH, "issue_area": "minimum-wage"}]}
    staff.toolkits.set_bill(bill)
    staff.toolkits.set_bill({**bill, "status": "passed_chamber"})
    ask = staff.notifications.post_ask(asker["id"], {"issue_area": "minimum-wage", "subject": "Tip credit?",
                                                     "body": "Has anyone ended it?"})
    staff.notifications.answer_ask(ask["id"], asker["id"], "Seattle did.")
    return member


def test_every_event_type_carries_a_public_view_and_no_private_field(owners, rpc, event_tap):
    taps = {service: event_tap(f"{service}.events") for service in ("members", "toolkits", "notifications")}
    every_event_type(AsStaff(rpc))
    wait_until(lambda: {e["type"] for tap in taps.values() for e in tap.drain()} == set(CATALOG),
               message="an event of every type in the catalog")
    events = [e for tap in taps.values() for e in tap.received]
    for event in events:
        spec = CATALOG[event["type"]]
        data = event["data"]
        assert private_fields(data) == set(), event["type"]
        text = json.dumps(event)
        for secret in SECRETS:
            assert secret not in text, (event["type"], secret)
        # the view the catalog (and the AsyncAPI document) promises, and nothing else
        assert set(data) == {"id", "version", *spec.data}, event["type"]
        assert len(text) < 20_000, (event["type"], len(text))  # long text goes by reference
    toolkit = next(e for e in events if e["type"] == "toolkit.published")["data"]
    assert toolkit["model_ordinance"]["toolkit_version"] == 1 and toolkit["model_ordinance"]["length"] == len(("Section 1. " * 2000).strip())
    asked = next(e for e in events if e["type"] == "ask.posted")["data"]
    assert asked["author_name"] == "Ann Asker"  # what its emails need, and no address


@pytest.mark.parametrize("data", [{"email": "a@example.org"}, {"offices": [{"phone": "1"}]},
                                  {"nested": {"draft": {"title": "x"}}}])
def test_an_event_with_a_private_field_is_refused_before_it_is_published(data):
    with pytest.raises(ValueError, match="private"):
        cloudevent("member.updated", "member/mem_0000000000000001", {"id": "mem_0000000000000001", "version": 1,
                                                                     **data})
    assert PRIVATE_FIELDS >= {"email", "phone", "draft", "secret"}
