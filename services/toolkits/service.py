"""The toolkits service: entrypoints only; rules live in domain.py (with actions.py and
provisions.py), storage in store.py."""
from clearinghouse import ocd, validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict, NotFound
from clearinghouse.issue_areas import check_issue_area
from clearinghouse.metrics import Metrics
from clearinghouse.outbox import OutboxRelay
from clearinghouse.paging import check_first
from clearinghouse.rpc import rpc
from clearinghouse.store import Store

from . import access, actions, domain, provisions
from .store import ToolkitsStore

PEERS = 100


class ToolkitsService:
    name = "toolkits"

    store = Store(ToolkitsStore)
    events = OutboxRelay()
    metrics = Metrics()

    # -- toolkits --------------------------------------------------------------------------
    # Every RPC takes ``caller`` (None is the public) and checks it, even where all may
    # read; writes are for STAFF, checked before the input so that a refused caller
    # learns nothing from the errors.
    @rpc
    def create_toolkit(self, data, caller=None):
        """A new toolkit as a draft, version 1 (slug, title, issue_area, summary required).
        Conflict if the slug is taken. Emits nothing until it is published. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "creating a toolkit")
        doc = domain.new_toolkit(domain.check_toolkit_fields(data, partial=False))
        return domain.toolkit_view(self.store.insert("toolkits", doc), draft=True)

    @rpc
    def revise_toolkit(self, slug, changes, caller=None):
        """Edit the draft; on a published toolkit start the next draft version (the
        published one stays readable). Emits toolkit.revised when a new draft starts.
        Returns the draft. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "revising a toolkit")
        domain.check_slug(slug)
        fields = domain.check_toolkit_fields(changes, partial=True)
        doc, _ = self.store.modify("toolkits", slug, lambda d: domain.revise_toolkit(d, fields))
        return domain.toolkit_view(doc, draft=True)

    @rpc
    def publish_toolkit(self, slug, change_note=None, caller=None):
        """Freeze the draft as a numbered version with ``change_note``. Emits
        toolkit.published; publishing an already published toolkit changes nothing. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "publishing a toolkit")
        domain.check_slug(slug)
        note = v.text(change_note, "change_note", required=False, max_len=2000)
        doc, _ = self.store.modify("toolkits", slug, lambda d: domain.publish_toolkit(d, note))
        return domain.toolkit_view(doc)

    @rpc
    def archive_toolkit(self, slug, caller=None):
        """Hide a toolkit from default listings (its versions stay readable). Emits
        toolkit.archived. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "archiving a toolkit")
        domain.check_slug(slug)
        doc, _ = self.store.modify("toolkits", slug, domain.archive_toolkit)
        return domain.toolkit_view(doc)

    @rpc
    def get_toolkit(self, slug, version=None, draft=False, caller=None):
        """The latest published version (for STAFF the draft if none is), a published
        ``version``, or with ``draft=True`` (STAFF only) the pending draft. NotFound for an
        unknown slug or version, and for a toolkit never published unless STAFF asks."""
        caller = Caller.of(caller)
        if not isinstance(draft, bool):
            raise BadInput(f"draft must be true or false, got {draft!r}")
        if draft:
            caller.require(access.EDITORS, "reading a toolkit's pending draft")
        domain.check_slug(slug)
        if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
            raise BadInput(f"version must be a whole number from 1, got {version!r}")
        doc = access.toolkit(caller, self.store.find("toolkits", slug), slug)
        return domain.toolkit_view(doc, version, draft=draft)

    @rpc
    def get_toolkits(self, slugs, caller=None):
        """Toolkits by slug, in the order asked, None where there is none or the caller
        may not see it (for batching)."""
        caller = Caller.of(caller)
        slugs = [domain.check_slug(s, "slugs[]") for s in v.list_of(slugs, "slugs", max_items=500)]
        found = self.store.get_many("toolkits", slugs)
        return [domain.toolkit_view(found[s]) if s in found and access.may_see(caller, found[s]) else None
                for s in slugs]

    @rpc
    def list_toolkits(self, issue_area=None, status=None, first=20, after=None, caller=None):
        """A page of toolkits by slug; archived ones only with status="archived". STAFF see
        drafts and published ones by default; anyone else published ones, archived ones
        once published, and is Forbidden drafts."""
        caller = Caller.of(caller)
        status = v.choice(status, "status", domain.TOOLKIT_STATUSES, required=False)
        issue_area = None if issue_area is None else check_issue_area(issue_area, "issue_area")
        status, published_only = access.listing(caller, status)
        page = self.store.page_toolkits(status, issue_area, published_only, check_first(first), after)
        for edge in page["edges"]:
            edge["node"] = domain.toolkit_view(edge["node"])
        return page

    # -- ordinances ------------------------------------------------------------------------------
    @rpc
    def record_ordinance(self, data, caller=None):
        """Record an ordinance (title, jurisdiction, issue_area; optional toolkit_slug,
        sponsor_ids, provisions, source_url, notes, and actions oldest first). Emits
        ordinance.recorded. Conflict if the jurisdiction has one with this title on the
        issue. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "recording an ordinance")
        fields = domain.check_ordinance_fields(data)
        if fields["toolkit_slug"] and self.store.find("toolkits", fields["toolkit_slug"]) is None:
            raise BadInput(f"toolkit_slug {fields['toolkit_slug']!r} names no toolkit; create it first or leave it out")
        doc, events = domain.new_ordinance(fields)
        return domain.ordinance_view(self.store.insert_ordinance(doc, events))

    @rpc
    def record_action(self, ordinance_id, action, caller=None):
        """Add a dated action (type, date, note, source_url). The same type, date and source
        again changes nothing. Conflict naming the allowed next actions if it cannot follow.
        Emits ordinance.status_changed when the status moves. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "recording an ordinance action")
        v.identifier(ordinance_id, "ordinance_id", "ord")
        checked = domain.check_action(action)
        doc, _ = self.store.modify("ordinances", ordinance_id, lambda d: domain.record_action(d, checked))
        return domain.ordinance_view(doc)

    @rpc
    def get_ordinance(self, ordinance_id, caller=None):
        """An ordinance (public to every caller). NotFound for an unknown id."""
        Caller.of(caller)
        v.identifier(ordinance_id, "ordinance_id", "ord")
        return domain.ordinance_view(self.store.get("ordinances", ordinance_id))

    @rpc
    def get_ordinances(self, ordinance_ids, caller=None):
        """Ordinances by id, in the order asked, None where there is none (for batching)."""
        Caller.of(caller)
        ids = [v.identifier(i, "ordinance_ids[]", "ord")
               for i in v.list_of(ordinance_ids, "ordinance_ids", max_items=500)]
        found = self.store.get_many("ordinances", ids)
        return [domain.ordinance_view(found[i]) if i in found else None for i in ids]

    @rpc
    def list_ordinances(self, filter=None, first=20, after=None, caller=None):
        """A page of ordinances by jurisdiction: filter keys state, jurisdiction,
        issue_area, status, sponsor_id, toolkit_slug."""
        Caller.of(caller)
        page = self.store.page("ordinances", domain.ordinance_query(filter), check_first(first), after,
                               "jurisdiction")
        for edge in page["edges"]:
            edge["node"] = domain.ordinance_view(edge["node"])
        return page

    @rpc
    def ordinances_of(self, key, values, limit=100, caller=None):
        """For each sponsor id (key "sponsor_id") or toolkit slug (key "toolkit_slug") in
        ``values``, its ordinances ordered by jurisdiction, up to ``limit`` each, in the
        order asked (one call for a whole list of members or toolkits)."""
        Caller.of(caller)
        field, wanted = domain.ordinances_of_query(key, values)
        limit = check_first(limit, "limit")
        found = domain.group_ordinances(self.store.ordinances_where({field: {"$in": wanted}}), field, wanted, limit)
        return [[domain.ordinance_view(doc) for doc in found[value]] for value in wanted]

    # -- preemption --------------------------------------------------------------------------------
    @rpc
    def set_preemption(self, data, caller=None):
        """Record a state's preemption of an issue area (scope full, partial or none).
        Emits preemption.changed; the same record again changes nothing. STAFF only."""
        Caller.of(caller).require(access.EDITORS, "setting a preemption record")
        fields = domain.check_preemption_fields(data)
        key = domain.preemption_id(fields["state"], fields["issue_area"])
        if self.store.find("preemptions", key) is None:
            doc, events = domain.set_preemption(None, fields)
            try:
                return domain.preemption_view(self.store.insert("preemptions", doc, events))
            except Conflict:
                pass  # recorded by someone else meanwhile: change that record instead
        doc, _ = self.store.modify("preemptions", key, lambda d: domain.set_preemption(d, fields))
        return domain.preemption_view(doc)

    @rpc
    def list_preemptions(self, state=None, issue_area=None, caller=None):
        """Preemption records by state and issue area (public), optionally of one state or issue."""
        Caller.of(caller)
        query = {}
        if state is not None:
            query["state"] = ocd.check_state(state)
        if issue_area is not None:
            query["issue_area"] = check_issue_area(issue_area, "issue_area")
        return [domain.preemption_view(d) for d in self.store.preemptions(query)]

    # -- questions -------------------------------------------------------------------------------------
    @rpc
    def can_pass(self, jurisdiction, issue_area, caller=None):
        """Can ``jurisdiction`` pass a law on ``issue_area``? verdict allowed, preempted,
        partially_preempted or unknown (no record for the state), with the records behind
        it, the latest published toolkit, and peers: ordinances in effect elsewhere, the
        same state first."""
        Caller.of(caller)
        jurisdiction = ocd.check_division(jurisdiction)
        issue_area = check_issue_area(issue_area, "issue_area")
        records = self.store.preemptions({"state": ocd.state_of(jurisdiction), "issue_area": issue_area})
        verdict, explanation = domain.verdict(jurisdiction, issue_area, records)
        toolkit = self.store.latest_published_toolkit(issue_area)
        peers = domain.peers_order(jurisdiction, self.store.ordinances_on(issue_area))[:PEERS]
        return {"jurisdiction": jurisdiction, "state": ocd.state_of(jurisdiction), "issue_area": issue_area,
                "verdict": verdict, "explanation": explanation,
                "preemptions": [domain.preemption_view(d) for d in records],
                "toolkit_slug": toolkit["_id"] if toolkit else None,
                "peers": [domain.ordinance_view(d) for d in peers]}

    @rpc
    def spread(self, issue_area, caller=None):
        """Ordinances on the issue, oldest first by first action, each with first_action
        and latest_action; those with no actions come last."""
        Caller.of(caller)
        issue_area = check_issue_area(issue_area, "issue_area")
        return [domain.spread_view(d) for d in domain.spread_order(self.store.ordinances_on(issue_area))]

    @rpc
    def compare_provisions(self, issue_area, ordinance_ids=None, caller=None):
        """Coded provisions side by side: ``fields`` (the issue area's field names, defined
        in ``definitions``) and one row per ordinance (the given ids in order, or all on
        the issue by state and jurisdiction)."""
        Caller.of(caller)
        issue_area = check_issue_area(issue_area, "issue_area")
        if ordinance_ids is None:
            docs = sorted(self.store.ordinances_on(issue_area), key=lambda d: (d["state"], d["jurisdiction"], d["_id"]))
        else:
            ids = [v.identifier(i, "ordinance_ids[]", "ord")
                   for i in v.list_of(ordinance_ids, "ordinance_ids", max_items=100)]
            found = self.store.get_many("ordinances", ids)
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(f"no ordinances {missing}")
            other = [i for i in ids if found[i]["issue_area"] != issue_area]
            if other:
                raise BadInput(f"ordinances {other} are not on {issue_area}; compare one issue area at a time")
            docs = [found[i] for i in ids]
        definitions = provisions.definitions(issue_area)
        return {"issue_area": issue_area, "fields": [d["name"] for d in definitions], "definitions": definitions,
                "rows": [{"ordinance_id": d["_id"], "jurisdiction": d["jurisdiction"], "title": d["title"],
                          "status": d["status"], "provisions": d.get("provisions") or {}} for d in docs]}

    @rpc
    def status_definitions(self, caller=None):
        """Every ordinance status with its plain-language meaning and the actions that may follow."""
        Caller.of(caller)
        return actions.definitions()
