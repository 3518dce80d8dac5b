"""Hypothesis fuzzes every toolkits RPC through the real broker: whatever a caller sends,
a refused call raises one of our typed errors (never a bare RemoteError, never INTERNAL)
and leaves the store as it was."""
import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.toolkits import bills, cases, domain
from services.toolkits.service import ToolkitsService
from tests.fuzz import FUZZ, JSON, PGH, refused_changes_nothing, rpc_methods
from tests.fuzz import TEXT as ANY_TEXT
from tests.support import MEMBER, PARTNER, STAFF

# Besides junk, the words toolkits knows, so the fuzz also gets past the first check.
TEXT = ANY_TEXT | st.sampled_from(["paid-sick-days", "minimum-wage", PGH, "pa", "full"])
VALUE = JSON | TEXT


def forged(token):
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


# Cursors a client could make: tampered positions, other shapes, other lists.
CURSORS = st.sampled_from([
    forged(["paid-sick-days", "paid-sick-days"]),
    forged({"v": 1, "k": "toolkits._id", "t": "ss", "p": [{"$gt": ""}, {"$ne": None}]}),
    forged({"v": 1, "k": "ordinances.jurisdiction", "t": "ss", "p": [{"$regex": ".*"}, "ord_0123456789abcdef"]}),
    forged({"v": 1, "k": "ordinances.jurisdiction", "t": "is", "p": [2 ** 64, "x"]}),
    forged({"v": 1, "k": "toolkits._id", "t": "s", "p": ["x"]}),
    "garbage", "", "=" * 10]) | st.builds(lambda t: forged(t), JSON)


def fields(names, extra=("shoe_size", "$set", "_id", "outbox")):
    """A dict of some of ``names`` (and some we never take), each with any value."""
    return st.dictionaries(st.sampled_from(list(names) + list(extra)), VALUE | st.just(PGH), max_size=5)


def with_caller(**kwargs):
    """Keyword arguments with a caller: mostly STAFF, so that the input checks are reached."""
    caller = st.sampled_from([STAFF, STAFF, STAFF, None, MEMBER, PARTNER, {"role": "public"}]) | VALUE
    return st.fixed_dictionaries({"caller": caller}, optional=kwargs)


def calls(seed):
    """Per RPC: a strategy for (*args, kwargs)."""
    slug = st.sampled_from([seed["slug"], seed["draft_slug"], "no-such-kit"]) | TEXT | VALUE
    ordinance = st.sampled_from([seed["ordinance_id"], "ord_0123456789abcdef"]) | VALUE
    issue_area = st.sampled_from(["paid-sick-leave", "minimum-wage"]) | VALUE
    jurisdiction = st.sampled_from([PGH, "ocd-division/country:us/state:pa"]) | VALUE
    after = st.sampled_from([None, seed["toolkit_cursor"], seed["ordinance_cursor"]]) | CURSORS | VALUE
    first = st.integers(-5, 200) | VALUE
    side = fields(domain.TEXT_SIDE_KEYS) | st.fixed_dictionaries({}, optional={
        "ordinance_id": ordinance, "model_of": ordinance, "toolkit_slug": slug, "text": TEXT,
        "toolkit_version": VALUE}) | VALUE
    action = fields(domain.ACTION_FIELDS) | st.fixed_dictionaries(
        {"type": st.sampled_from(["passed", "vetoed", "repealed"]) | VALUE,
         "date": st.sampled_from(["2016-01-01", "2016-02-30"]) | VALUE}) | VALUE
    return {
        "create_toolkit": st.tuples(fields(domain.TOOLKIT_FIELDS) | VALUE, with_caller()),
        "revise_toolkit": st.tuples(slug, fields(domain.TOOLKIT_FIELDS) | VALUE, with_caller()),
        "publish_toolkit": st.tuples(slug, with_caller(change_note=VALUE)),
        "archive_toolkit": st.tuples(slug, with_caller()),
        "get_toolkit": st.tuples(slug, with_caller(version=st.integers(-1, 3) | VALUE, draft=VALUE)),
        "get_toolkits": st.tuples(st.lists(slug, max_size=4) | VALUE, with_caller()),
        "list_toolkits": st.tuples(with_caller(issue_area=issue_area, status=st.sampled_from(
            ["draft", "published", "archived"]) | VALUE, first=first, after=after)),
        "record_ordinance": st.tuples(fields(domain.ORDINANCE_FIELDS) | st.fixed_dictionaries(
            {"title": TEXT, "jurisdiction": jurisdiction, "issue_area": issue_area},
            optional={"toolkit_slug": slug, "sponsor_ids": VALUE, "provisions": VALUE, "actions": VALUE,
                      "source_url": VALUE}) | VALUE, with_caller()),
        "record_action": st.tuples(ordinance, action, with_caller()),
        "get_ordinance": st.tuples(ordinance, with_caller()),
        "get_ordinances": st.tuples(st.lists(ordinance, max_size=4) | VALUE, with_caller()),
        "list_ordinances": st.tuples(with_caller(filter=fields(
            ("state", "jurisdiction", "issue_area", "status", "sponsor_id", "toolkit_slug")) | VALUE,
            first=first, after=after)),
        "ordinance_changes": st.tuples(with_caller(filter=fields(
            ("state", "jurisdiction", "issue_area", "status", "sponsor_id", "toolkit_slug")) | VALUE,
            first=first, after=after)),
        "export_ordinances": st.tuples(with_caller(filter=fields(("state", "issue_area", "status")) | VALUE,
                                                   first=st.integers(-5, 2000) | VALUE, after=after)),
        "toolkit_publications": st.tuples(with_caller(issue_area=issue_area, first=first, after=after)),
        "provision_fields": st.tuples(with_caller()),
        "ordinances_of": st.tuples(st.sampled_from(["sponsor_id", "toolkit_slug"]) | VALUE,
                                   st.lists(slug | ordinance, max_size=3) | VALUE, with_caller(limit=first)),
        "set_preemption": st.tuples(fields(domain.PREEMPTION_FIELDS) | st.fixed_dictionaries(
            {"state": st.just("pa") | VALUE, "issue_area": issue_area, "scope": st.just("full") | VALUE},
            optional={"year": st.integers(1700, 2200) | VALUE, "voids_existing_laws": VALUE,
                      "statute": TEXT}) | VALUE, with_caller()),
        "list_preemptions": st.tuples(with_caller(state=st.just("pa") | VALUE, issue_area=issue_area)),
        "can_pass": st.tuples(jurisdiction, issue_area, with_caller()),
        "spread": st.tuples(issue_area, with_caller(shape=st.sampled_from(["list", "tree"]) | VALUE)),
        "compare_provisions": st.tuples(issue_area, with_caller(
            ordinance_ids=st.lists(ordinance, max_size=3) | VALUE,
            as_of=st.sampled_from(["2020-01-01", "2020-02-30"]) | VALUE)),
        "compare_texts": st.tuples(side, side, with_caller()),
        "record_case": st.tuples(fields(cases.CASE_FIELDS) | st.fixed_dictionaries(
            {"slug": slug, "title": TEXT, "court": TEXT},
            optional={"challenged": st.fixed_dictionaries({}, optional={
                "ordinances": st.lists(st.fixed_dictionaries({"ordinance_id": ordinance}), max_size=2) | VALUE,
                "preemptions": VALUE}) | VALUE, "legal_theories": VALUE, "parties": VALUE, "filings": VALUE,
                "rulings": VALUE}) | VALUE, with_caller()),
        "record_ruling": st.tuples(st.just("fuzz-case") | slug, fields(cases.RULING_FIELDS) | st.fixed_dictionaries(
            {"date": st.sampled_from(["2016-01-01", "2016-02-30"]) | VALUE,
             "outcome": st.sampled_from(["reversed", "won"]) | VALUE},
            optional={"ordinance_action": st.sampled_from(["struck_down", "repealed"]) | VALUE}) | VALUE,
            with_caller()),
        "get_case": st.tuples(st.just("fuzz-case") | slug, with_caller()),
        "get_cases": st.tuples(st.lists(slug, max_size=3) | VALUE, with_caller()),
        "list_cases": st.tuples(with_caller(filter=fields(cases.CASE_FILTERS) | VALUE, first=first, after=after)),
        "set_bill": st.tuples(fields(bills.BILL_FIELDS) | st.fixed_dictionaries(
            {"state": st.just("pa") | VALUE, "bill_id": TEXT, "session": TEXT, "title": TEXT,
             "issue_areas": st.lists(issue_area, max_size=2) | VALUE},
            optional={"actions": VALUE, "would_void": VALUE, "status": VALUE}) | VALUE, with_caller()),
        "get_bill": st.tuples(st.just("pa/2025/hb-1") | TEXT | VALUE, with_caller()),
        "list_bills": st.tuples(with_caller(filter=fields(bills.BILL_FILTERS) | VALUE, first=first, after=after)),
        "status_definitions": st.tuples(with_caller()),
    }


RPCS = sorted(calls({k: "x" for k in ("slug", "draft_slug", "ordinance_id", "toolkit_cursor",
                                      "ordinance_cursor")}))


@pytest.fixture
def seed(toolkits, staff, rpc):
    """A published toolkit, a draft, an ordinance with a history, a preemption record and
    real cursors: things for the fuzz to aim at besides the junk."""
    staff.create_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                          "summary": "Earned sick time.", "legal_notes": "Privileged."})
    staff.publish_toolkit("paid-sick-days")
    staff.create_toolkit({"slug": "draft-kit", "title": "Draft", "issue_area": "minimum-wage", "summary": "Not yet."})
    ordinance = staff.record_ordinance({"title": "Paid Sick Days Act", "jurisdiction": PGH,
                                        "issue_area": "paid-sick-leave", "toolkit_slug": "paid-sick-days",
                                        "actions": [{"type": "introduced", "date": "2015-05-05"}]})
    staff.set_preemption({"state": "pa", "issue_area": "minimum-wage", "scope": "full"})
    staff.record_case({"slug": "fuzz-case", "title": "Fuzz v. City", "court": "Court",
                       "challenged": {"ordinances": [{"ordinance_id": ordinance["id"]}]}})
    return {"slug": "paid-sick-days", "draft_slug": "draft-kit", "ordinance_id": ordinance["id"],
            "toolkit_cursor": rpc.toolkits.list_toolkits(first=1)["edges"][0]["cursor"],
            "ordinance_cursor": rpc.toolkits.list_ordinances(first=1)["edges"][0]["cursor"]}


def test_every_rpc_is_fuzzed():
    assert set(RPCS) == rpc_methods(ToolkitsService)


@pytest.mark.parametrize("method", RPCS)
@FUZZ
@given(data=st.data())
def test_a_refused_call_is_a_typed_error_and_changes_nothing(seed, rpc, snapshot, method, data):
    *args, kwargs = data.draw(calls(seed)[method])
    refused_changes_nothing(lambda: getattr(rpc.toolkits, method)(*args, **kwargs), snapshot,
                            f"{method}{args, kwargs}")
