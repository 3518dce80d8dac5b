"""Every toolkits operation as plain code, top to bottom: who may, what is asked (checked),
what the repository reads and writes, and the view returned. Each takes the repository
(ToolkitsRepository, or a twin with the same methods) and the Caller.

Writes are for STAFF, checked before the input, so that a refused caller learns nothing
from the errors; reads check the caller too, even where all may read (service.py does).
"""
from __future__ import annotations

from clearinghouse import ocd, validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict
from clearinghouse.issue_areas import check_issue_area
from clearinghouse.paging import check_count, check_first

from . import access, actions, bills, cases, domain, lineage, provisions, texts

PEERS = 100
EXPORT_PAGE = 1000  # ordinances per export_ordinances page


# -- toolkits --------------------------------------------------------------------------------
def create_toolkit(repo, caller: Caller, data) -> dict:
    caller.require(access.EDITORS, "creating a toolkit")
    toolkit = domain.new_toolkit(domain.check_toolkit_fields(data, partial=False))
    return domain.toolkit_view(repo.add("toolkits", toolkit), draft=True)


def revise_toolkit(repo, caller: Caller, slug, changes) -> dict:
    caller.require(access.EDITORS, "revising a toolkit")
    domain.check_slug(slug)
    fields = domain.check_toolkit_fields(changes, partial=True)
    toolkit, _ = repo.change("toolkits", slug, lambda t: domain.revise_toolkit(t, fields))
    return domain.toolkit_view(toolkit, draft=True)


def publish_toolkit(repo, caller: Caller, slug, change_note=None) -> dict:
    caller.require(access.EDITORS, "publishing a toolkit")
    domain.check_slug(slug)
    note = v.text(change_note, "change_note", required=False, max_len=2000)
    toolkit, _ = repo.change("toolkits", slug, lambda t: domain.publish_toolkit(t, note))
    return domain.toolkit_view(toolkit)


def archive_toolkit(repo, caller: Caller, slug) -> dict:
    caller.require(access.EDITORS, "archiving a toolkit")
    domain.check_slug(slug)
    toolkit, _ = repo.change("toolkits", slug, domain.archive_toolkit)
    return domain.toolkit_view(toolkit)


def get_toolkit(repo, caller: Caller, slug, version=None, draft=False) -> dict:
    if not isinstance(draft, bool):
        raise BadInput(f"draft must be true or false, got {draft!r}")
    if draft:
        caller.require(access.EDITORS, "reading a toolkit's pending draft")
    domain.check_slug(slug)
    version = domain.check_version(version)
    toolkit = access.toolkit(caller, repo.lookup("toolkits", slug), slug)
    return domain.toolkit_view(toolkit, version, draft=draft)


def get_toolkits(repo, caller: Caller, slugs) -> list[dict | None]:
    slugs = [domain.check_slug(s, "slugs[]") for s in v.list_of(slugs, "slugs", max_items=500)]
    found = repo.lookup_many("toolkits", slugs)
    return [domain.toolkit_view(found[s]) if s in found and access.may_see(caller, found[s]) else None
            for s in slugs]


def list_toolkits(repo, caller: Caller, issue_area=None, status=None, first=20, after=None, count=True) -> dict:
    status = v.choice(status, "status", domain.TOOLKIT_STATUSES, required=False)
    issue_area = None if issue_area is None else check_issue_area(issue_area, "issue_area")
    status, published_only = access.listing(caller, status)
    page = repo.page_toolkits(status, issue_area, published_only, check_first(first), after, check_count(count))
    return _viewed(page, domain.toolkit_view)


def toolkit_publications(repo, caller: Caller, issue_area=None, first=20, after=None) -> dict:
    issue_area = None if issue_area is None else check_issue_area(issue_area, "issue_area")
    page = repo.page_publications(issue_area, check_first(first), after)
    return _viewed(page, domain.toolkit_view)


# -- ordinances ------------------------------------------------------------------------------
def record_ordinance(repo, caller: Caller, data) -> dict:
    caller.require(access.EDITORS, "recording an ordinance")
    fields = domain.check_ordinance_fields(data)
    if fields["toolkit_slug"]:
        domain.check_toolkit_followed(repo.lookup("toolkits", fields["toolkit_slug"]), fields)
    ordinance, events = domain.new_ordinance(fields)
    existing = repo.same_measure(ordinance)
    if existing is not None:
        raise domain.duplicate(ordinance, existing)
    return domain.ordinance_view(repo.add("ordinances", ordinance, events))


def record_action(repo, caller: Caller, ordinance_id, action) -> dict:
    caller.require(access.EDITORS, "recording an ordinance action")
    v.identifier(ordinance_id, "ordinance_id", "ord")
    checked = domain.check_action(action)
    ordinance, _ = repo.change("ordinances", ordinance_id, lambda o: domain.record_action(o, checked))
    return domain.ordinance_view(ordinance)


def get_ordinance(repo, caller: Caller, ordinance_id) -> dict:
    v.identifier(ordinance_id, "ordinance_id", "ord")
    return domain.ordinance_view(repo.get("ordinances", ordinance_id))


def get_ordinances(repo, caller: Caller, ordinance_ids) -> list[dict | None]:
    ids = [v.identifier(i, "ordinance_ids[]", "ord") for i in v.list_of(ordinance_ids, "ordinance_ids", max_items=500)]
    found = repo.lookup_many("ordinances", ids)
    return [domain.ordinance_view(found[i]) if i in found else None for i in ids]


def list_ordinances(repo, caller: Caller, filter=None, first=20, after=None, count=True) -> dict:
    page = repo.page_ordinances(domain.check_ordinance_filter(filter), check_first(first), after, check_count(count))
    return _viewed(page, domain.ordinance_view)


def ordinance_changes(repo, caller: Caller, filter=None, first=20, after=None) -> dict:
    page = repo.page_ordinance_changes(domain.check_ordinance_filter(filter), check_first(first), after)
    return _viewed(page, domain.ordinance_view)


def export_ordinances(repo, caller: Caller, filter=None, first=EXPORT_PAGE, after=None) -> dict:
    page = repo.page_ordinances_by_place(domain.check_ordinance_filter(filter),
                                      check_first(first, maximum=EXPORT_PAGE), after)
    return _viewed(page, domain.export_view)


def ordinances_of(repo, caller: Caller, key, values, limit=100) -> list[list[dict]]:
    field, wanted = domain.check_ordinances_of(key, values)
    limit = check_first(limit, "limit")
    found = domain.group_ordinances(repo.ordinances_with(field, wanted), field, wanted, limit)
    return [[domain.ordinance_view(o) for o in found[value]] for value in wanted]


# -- preemption ------------------------------------------------------------------------------
def set_preemption(repo, caller: Caller, data) -> dict:
    caller.require(access.EDITORS, "setting a preemption record")
    fields = domain.check_preemption_fields(data)
    key = domain.preemption_id(fields["state"], fields["issue_area"])
    if repo.lookup("preemptions", key) is None:
        record, events = domain.set_preemption(None, fields)
        try:
            return domain.preemption_view(repo.add("preemptions", record, events))
        except Conflict:
            pass  # recorded by someone else meanwhile: change that record instead
    record, _ = repo.change("preemptions", key, lambda r: domain.set_preemption(r, fields))
    return domain.preemption_view(record)


def list_preemptions(repo, caller: Caller, state=None, issue_area=None) -> list[dict]:
    state = None if state is None else ocd.check_state(state)
    issue_area = None if issue_area is None else check_issue_area(issue_area, "issue_area")
    return [domain.preemption_view(r) for r in repo.preemptions(state, issue_area)]


# -- litigation --------------------------------------------------------------------------------
def _affected(repo, challenged: dict) -> list[dict]:
    ids = [r["ordinance_id"] for r in challenged["ordinances"] if "ordinance_id" in r]
    return cases.affected(challenged, repo.lookup_many("ordinances", ids), repo.ordinances_in)


def record_case(repo, caller: Caller, data) -> dict:
    """A case on the docket, its filings and past rulings as given (the ordinances keep the
    history they have; record_ruling records a new ruling on them)."""
    caller.require(access.EDITORS, "recording a court case")
    fields = cases.check_case(data)
    if repo.lookup("cases", fields["slug"]) is not None:
        raise Conflict(f"case {fields['slug']!r} is already on the docket; record rulings on it instead")
    return cases.case_view(repo.add("cases", cases.new_case(fields, _affected(repo, fields["challenged"]))))


def record_ruling(repo, caller: Caller, slug, ruling) -> dict:
    """A ruling on a case: recorded on the case (case.ruled) and, with an ordinance_action,
    as that action on every ordinance the case challenges. Refused as a whole (Conflict)
    if the action cannot follow any one of them; the same ruling again changes nothing."""
    caller.require(access.EDITORS, "recording a ruling")
    domain.check_slug(slug)
    checked = cases.check_ruling(ruling)
    case = repo.get("cases", slug)
    ordinances = _affected(repo, case["challenged"])
    action = cases.ruling_action(case, checked)
    for ordinance in ordinances if action else []:
        cases.check_action_follows(ordinance, action)
    case, _ = repo.change("cases", slug, lambda c: cases.add_ruling(c, checked, ordinances))
    updated = [repo.change("ordinances", o["id"], lambda d: domain.record_action(d, action))[0]
               for o in ordinances] if action else ordinances
    return {"case": cases.case_view(case), "ordinances": [domain.ordinance_view(o) for o in updated]}


def get_case(repo, caller: Caller, slug) -> dict:
    return cases.case_view(repo.get("cases", domain.check_slug(slug)))


def get_cases(repo, caller: Caller, slugs) -> list[dict | None]:
    slugs = [domain.check_slug(s, "slugs[]") for s in v.list_of(slugs, "slugs", max_items=500)]
    found = repo.lookup_many("cases", slugs)
    return [cases.case_view(found[s]) if s in found else None for s in slugs]


def list_cases(repo, caller: Caller, filter=None, first=20, after=None) -> dict:
    page = repo.page_cases(cases.check_case_filter(filter), check_first(first), after)
    return _viewed(page, cases.case_view)


# -- preemption bills ----------------------------------------------------------------------------
def set_bill(repo, caller: Caller, data) -> dict:
    """Record or update a pending state bill (staff, or the Open States import);
    preemption_bill.advanced when its status moves up."""
    caller.require(access.EDITORS, "recording a preemption bill")
    fields = bills.check_bill(data)
    voided = [o for ref in fields["would_void"] for o in repo.ordinances_in(ref["jurisdiction"], ref["issue_area"])]
    key = bills.bill_key(fields["state"], fields["session"], fields["bill_id"])
    if repo.lookup("bills", key) is None:
        bill, events = bills.set_bill(None, fields, voided)
        try:
            return bills.bill_view(repo.add("bills", bill, events))
        except Conflict:
            pass  # recorded by someone else meanwhile: change that record instead
    bill, _ = repo.change("bills", key, lambda b: bills.set_bill(b, fields, voided))
    return bills.bill_view(bill)


def get_bill(repo, caller: Caller, bill_id) -> dict:
    return bills.bill_view(repo.get("bills", bills.check_key(bill_id, "id")))


def list_bills(repo, caller: Caller, filter=None, first=20, after=None) -> dict:
    page = repo.page_bills(bills.check_bill_filter(filter), check_first(first), after)
    return _viewed(page, bills.bill_view)


# -- questions -------------------------------------------------------------------------------
def can_pass(repo, caller: Caller, jurisdiction, issue_area) -> dict:
    jurisdiction = ocd.check_division(jurisdiction)
    issue_area = check_issue_area(issue_area, "issue_area")
    state = ocd.state_of(jurisdiction)
    records = repo.preemptions(state, issue_area)
    verdict, explanation = domain.verdict(jurisdiction, issue_area, records)
    toolkit = domain.latest_published(repo.published_toolkits(issue_area))
    peers = domain.peers_order(jurisdiction, repo.ordinances_on(issue_area))[:PEERS]
    pending = repo.page_bills({"state": state, "issue_area": issue_area}, PEERS, None)["edges"]
    return {"jurisdiction": jurisdiction, "state": state, "issue_area": issue_area,
            "verdict": verdict, "explanation": explanation,
            "source": domain.verdict_source(jurisdiction, records),
            "pending_bills": [bills.bill_view(e["node"]) for e in pending if e["node"]["status"] in bills.PENDING],
            "preemptions": [domain.preemption_view(r) for r in records],
            "toolkit_slug": toolkit["slug"] if toolkit else None,
            "peers": [domain.ordinance_view(o) for o in peers]}


def spread(repo, caller: Caller, issue_area, shape="list") -> list[dict]:
    """The issue's ordinances oldest first, or with shape "tree" as a lineage forest in
    pre-order (lineage.tree: who copied whom, each node's parent, depth and children)."""
    # bounded by the repository's ISSUE_AREA_LIMIT, as compare and peers are
    issue_area = check_issue_area(issue_area, "issue_area")
    shape = v.choice(shape, "shape", ("list", "tree"))
    docs = repo.ordinances_on(issue_area)
    if shape == "list":
        return [domain.spread_view(o) for o in domain.spread_order(docs)]
    return [{**node, "ordinance": domain.spread_view(node["ordinance"])} for node in lineage.tree(docs)]


def compare_provisions(repo, caller: Caller, issue_area, ordinance_ids=None, as_of=None) -> dict:
    issue_area = check_issue_area(issue_area, "issue_area")
    as_of = v.date(as_of, "as_of", required=False)
    if ordinance_ids is None:
        ordinances = domain.by_place(repo.ordinances_on(issue_area))
    else:
        ids = [v.identifier(i, "ordinance_ids[]", "ord")
               for i in v.list_of(ordinance_ids, "ordinance_ids", max_items=100)]
        ordinances = domain.chosen(issue_area, ids, repo.lookup_many("ordinances", ids))
    return domain.provisions_table(issue_area, ordinances, as_of)


def compare_texts(repo, caller: Caller, left, right) -> dict:
    """Two texts section by section (texts.compare) with their coded provisions side by side."""
    sides = [domain.check_text_side(left, "left"), domain.check_text_side(right, "right")]
    shown = [_text_side(repo, caller, side) for side in sides]
    return domain.text_comparison(shown[0], shown[1], texts.compare(shown[0]["text"], shown[1]["text"]))


def _text_side(repo, caller: Caller, side: dict) -> dict:
    if side["source"] == "text":
        return {"kind": "text", "ordinance_id": None, "toolkit_slug": None, "title": side["title"],
                "version": None, "text": side["text"], "issue_area": None, "provisions": None}
    if side["source"] == "ordinance_id":
        return domain.ordinance_text_side(repo.get("ordinances", side["ordinance_id"]), side["text_version"])
    if side["source"] == "model_of":
        ordinance = repo.get("ordinances", side["ordinance_id"])
        if not ordinance.get("toolkit_slug"):
            raise BadInput(f"ordinance {ordinance['id']!r} records no toolkit it followed; compare it with a "
                           "toolkit by toolkit_slug instead")
        slug, version = ordinance["toolkit_slug"], ordinance.get("toolkit_version")
    else:
        slug, version = side["toolkit_slug"], side["toolkit_version"]
    toolkit = access.toolkit(caller, repo.lookup("toolkits", slug), slug)
    return domain.toolkit_text_side(domain.toolkit_view(toolkit, version))


def provision_fields(repo, caller: Caller) -> list[dict]:
    return provisions.codebook()


def status_definitions(repo, caller: Caller) -> list[dict]:
    return actions.definitions()


def _viewed(page: dict, view) -> dict:
    for edge in page["edges"]:
        edge["node"] = view(edge["node"])
    return page
