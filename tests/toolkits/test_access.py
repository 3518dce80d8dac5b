"""Who may see and change toolkits: pure rules, no broker."""
import pytest

from clearinghouse.caller import Caller
from clearinghouse.errors import Forbidden, NotFound, Unauthenticated
from services.toolkits import access, domain

PUBLIC, STAFF = Caller(), Caller("staff")
MEMBER = Caller("member", "mem_0123456789abcdef", "member")
PARTNER = Caller("partner", "org_0123456789abcdef", "organization")


def toolkit(published=False, archived=False):
    doc = domain.new_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                              "summary": "Earned sick time.", "legal_notes": "Privileged."})
    if published:
        doc, _ = domain.publish_toolkit(doc, None)
    if archived:
        doc, _ = domain.archive_toolkit(doc)
    return doc


@pytest.mark.parametrize("caller, error", [(PUBLIC, Unauthenticated), (MEMBER, Forbidden), (PARTNER, Forbidden)])
def test_only_staff_edit(caller, error):
    with pytest.raises(error, match="creating a toolkit .*STAFF"):
        caller.require(access.EDITORS, "creating a toolkit")
    STAFF.require(access.EDITORS, "creating a toolkit")


@pytest.mark.parametrize("caller", [PUBLIC, MEMBER, PARTNER])
@pytest.mark.parametrize("doc", [toolkit(), toolkit(archived=True)], ids=["draft", "archived-unpublished"])
def test_a_toolkit_never_published_is_not_found_for_anyone_but_staff_like_a_missing_one(caller, doc):
    with pytest.raises(NotFound) as hidden:
        access.toolkit(caller, doc, "paid-sick-days")
    with pytest.raises(NotFound) as missing:
        access.toolkit(caller, None, "paid-sick-days")
    assert str(hidden.value) == str(missing.value) == "no toolkit 'paid-sick-days'"
    assert access.toolkit(STAFF, doc, "paid-sick-days") is doc


@pytest.mark.parametrize("doc", [toolkit(published=True), toolkit(published=True, archived=True)])
def test_a_toolkit_once_published_is_seen_by_everyone_archived_or_not(doc):
    assert all(access.may_see(c, doc) for c in (PUBLIC, MEMBER, PARTNER, STAFF))


def test_listings_show_drafts_to_staff_only():
    assert access.listing(STAFF, None) == (None, False)
    assert access.listing(STAFF, "draft") == ("draft", False)
    assert access.listing(PUBLIC, None) == ("published", True)
    assert access.listing(MEMBER, "archived") == ("archived", True)
    with pytest.raises(Forbidden, match="STAFF keys only"):
        access.listing(PARTNER, "draft")
