"""The toolkits service: entrypoints only. Each reads the caller (None is the public) and
hands the call to its use case (usecases.py); rules live in domain.py (with actions.py,
provisions.py and access.py), storage in repository.py."""
from clearinghouse.caller import Caller
from clearinghouse.metrics import Metrics
from clearinghouse.outbox import OutboxRelay
from clearinghouse.rpc import rpc
from clearinghouse.store import Store
from clearinghouse.tracing import Tracing

from . import usecases
from .repository import ToolkitsRepository


class ToolkitsService:
    name = "toolkits"

    store = Store(ToolkitsRepository)
    events = OutboxRelay()
    metrics = Metrics()
    tracing = Tracing()  # the request's trace, for the events and log lines this worker writes

    @rpc
    def create_toolkit(self, data, caller=None):
        """A new toolkit as a draft, version 1 (slug, title, issue_area, summary required).
        Conflict if the slug is taken. Emits nothing until it is published. STAFF only."""
        return usecases.create_toolkit(self.store, Caller.of(caller), data)

    @rpc
    def revise_toolkit(self, slug, changes, caller=None):
        """Edit the draft; on a published toolkit start the next draft version (the
        published one stays readable). Emits toolkit.revised when a new draft starts.
        Returns the draft. STAFF only."""
        return usecases.revise_toolkit(self.store, Caller.of(caller), slug, changes)

    @rpc
    def publish_toolkit(self, slug, change_note=None, caller=None):
        """Freeze the draft as a numbered version with ``change_note``. Emits
        toolkit.published; publishing an already published toolkit changes nothing. STAFF only."""
        return usecases.publish_toolkit(self.store, Caller.of(caller), slug, change_note)

    @rpc
    def archive_toolkit(self, slug, caller=None):
        """Hide a toolkit from default listings (its versions stay readable). Emits
        toolkit.archived. STAFF only."""
        return usecases.archive_toolkit(self.store, Caller.of(caller), slug)

    @rpc
    def get_toolkit(self, slug, version=None, draft=False, caller=None):
        """The latest published version (for STAFF the draft if none is), a published
        ``version``, or with ``draft=True`` (STAFF only) the pending draft. NotFound for an
        unknown slug or version, and for a toolkit never published unless STAFF asks."""
        return usecases.get_toolkit(self.store, Caller.of(caller), slug, version, draft)

    @rpc
    def get_toolkits(self, slugs, caller=None):
        """Toolkits by slug, in the order asked, None where there is none or the caller
        may not see it (for batching)."""
        return usecases.get_toolkits(self.store, Caller.of(caller), slugs)

    @rpc
    def list_toolkits(self, issue_area=None, status=None, first=20, after=None, caller=None, count=True):
        """A page of toolkits by slug; archived ones only with status="archived". STAFF see
        drafts and published ones by default; anyone else published ones, archived ones
        once published, and is Forbidden drafts. total_count is None with ``count`` false."""
        return usecases.list_toolkits(self.store, Caller.of(caller), issue_area, status, first, after, count)

    @rpc
    def toolkit_publications(self, issue_area=None, first=20, after=None, caller=None):
        """A page of published toolkits, the latest changed first (the toolkits feed)."""
        return usecases.toolkit_publications(self.store, Caller.of(caller), issue_area, first, after)

    # -- ordinances ------------------------------------------------------------------------------
    @rpc
    def record_ordinance(self, data, caller=None):
        """Record an ordinance (title, jurisdiction, issue_area; optional toolkit_slug,
        sponsor_ids, provisions, source_url, notes, and actions oldest first). Emits
        ordinance.recorded. Conflict if the jurisdiction has one with this title on the
        issue. STAFF only."""
        return usecases.record_ordinance(self.store, Caller.of(caller), data)

    @rpc
    def record_action(self, ordinance_id, action, caller=None):
        """Add a dated action (type, date, note, source_url). The same type, date and source
        again changes nothing. Conflict naming the allowed next actions if it cannot follow.
        Emits ordinance.status_changed when the status moves. STAFF only."""
        return usecases.record_action(self.store, Caller.of(caller), ordinance_id, action)

    @rpc
    def get_ordinance(self, ordinance_id, caller=None):
        """An ordinance (public to every caller). NotFound for an unknown id."""
        return usecases.get_ordinance(self.store, Caller.of(caller), ordinance_id)

    @rpc
    def get_ordinances(self, ordinance_ids, caller=None):
        """Ordinances by id, in the order asked, None where there is none (for batching)."""
        return usecases.get_ordinances(self.store, Caller.of(caller), ordinance_ids)

    @rpc
    def list_ordinances(self, filter=None, first=20, after=None, caller=None, count=True):
        """A page of ordinances by jurisdiction: filter keys state, jurisdiction,
        issue_area, status, sponsor_id, toolkit_slug. total_count is None with ``count``
        false (nothing is counted)."""
        return usecases.list_ordinances(self.store, Caller.of(caller), filter, first, after, count)

    @rpc
    def ordinance_changes(self, filter=None, first=20, after=None, caller=None):
        """A page of ordinances, the latest changed first (the ordinances feed); filter as
        list_ordinances."""
        return usecases.ordinance_changes(self.store, Caller.of(caller), filter, first, after)

    @rpc
    def export_ordinances(self, filter=None, first=1000, after=None, caller=None):
        """A page of up to 1000 ordinances by jurisdiction, issue area and title (for bulk
        exports; total_count is None);
        filter as list_ordinances."""
        return usecases.export_ordinances(self.store, Caller.of(caller), filter, first, after)

    @rpc
    def ordinances_of(self, key, values, limit=100, caller=None):
        """For each sponsor id (key "sponsor_id") or toolkit slug (key "toolkit_slug") in
        ``values``, its ordinances ordered by jurisdiction, up to ``limit`` each, in the
        order asked (one call for a whole list of members or toolkits)."""
        return usecases.ordinances_of(self.store, Caller.of(caller), key, values, limit)

    # -- preemption --------------------------------------------------------------------------------
    @rpc
    def set_preemption(self, data, caller=None):
        """Record a state's preemption of an issue area (scope full, partial or none).
        Emits preemption.changed; the same record again changes nothing. STAFF only."""
        return usecases.set_preemption(self.store, Caller.of(caller), data)

    @rpc
    def list_preemptions(self, state=None, issue_area=None, caller=None):
        """Preemption records by state and issue area (public), optionally of one state or issue."""
        return usecases.list_preemptions(self.store, Caller.of(caller), state, issue_area)

    # -- litigation ----------------------------------------------------------------------------------
    @rpc
    def record_case(self, data, caller=None):
        """Put a court case on the docket: slug, title, court, docket_number, parties
        [{name, side}], challenged {ordinances: [{jurisdiction, issue_area} | {ordinance_id}],
        preemptions: [{state, issue_area}]}, legal_theories, filings and past rulings (the
        ordinances keep their own history). Conflict if the slug is taken. STAFF only."""
        return usecases.record_case(self.store, Caller.of(caller), data)

    @rpc
    def record_ruling(self, slug, ruling, caller=None):
        """A ruling (date, court, outcome, summary, source_url, ordinance_action): on the case
        and, with ordinance_action, as that action on every challenged ordinance (all or
        none: Conflict naming the one it cannot follow). Emits case.ruled (and
        ordinance.status_changed per ordinance moved). Returns {case, ordinances}. STAFF only."""
        return usecases.record_ruling(self.store, Caller.of(caller), slug, ruling)

    @rpc
    def get_case(self, slug, caller=None):
        """A case (public). NotFound for an unknown slug."""
        return usecases.get_case(self.store, Caller.of(caller), slug)

    @rpc
    def get_cases(self, slugs, caller=None):
        """Cases by slug, in the order asked, None where there is none (for batching)."""
        return usecases.get_cases(self.store, Caller.of(caller), slugs)

    @rpc
    def list_cases(self, filter=None, first=20, after=None, caller=None):
        """A page of cases by slug; filter keys legal_theory, state, issue_area, ordinance_id."""
        return usecases.list_cases(self.store, Caller.of(caller), filter, first, after)

    # -- preemption bills ------------------------------------------------------------------------------
    @rpc
    def set_bill(self, data, caller=None):
        """Record or update a state preemption bill (state, bill_id, session, title, status
        or the actions it follows from, issue_areas, actions [{date, description,
        classification[], source_url}], would_void [{jurisdiction, issue_area}], source_url,
        openstates_id). The same bill again changes nothing; a status further along
        (introduced, passed_chamber, passed, signed) emits preemption_bill.advanced, naming
        the ordinances it would void and their sponsors. STAFF only."""
        return usecases.set_bill(self.store, Caller.of(caller), data)

    @rpc
    def get_bill(self, bill_id, caller=None):
        """A preemption bill by id (``<state>/<session>/<bill>``, public). NotFound if none."""
        return usecases.get_bill(self.store, Caller.of(caller), bill_id)

    @rpc
    def list_bills(self, filter=None, first=20, after=None, caller=None):
        """A page of preemption bills by id; filter keys state, session, status, issue_area, ordinance_id."""
        return usecases.list_bills(self.store, Caller.of(caller), filter, first, after)

    # -- questions -------------------------------------------------------------------------------------
    @rpc
    def can_pass(self, jurisdiction, issue_area, caller=None):
        """Can ``jurisdiction`` pass a law on ``issue_area``? verdict allowed, preempted,
        partially_preempted or unknown (no record for the state), with the records behind
        it, ``source`` (the preemption record the verdict rests on: statute, year, scope,
        source_url; None for a state itself or no record), the latest published toolkit,
        peers (ordinances in effect elsewhere, the same state first) and pending_bills
        (state bills on the issue not yet law or dead)."""
        return usecases.can_pass(self.store, Caller.of(caller), jurisdiction, issue_area)

    @rpc
    def spread(self, issue_area, shape="list", caller=None):
        """Ordinances on the issue, oldest first by first action, each with first_action
        and latest_action; those with no actions come last. With shape="tree", the
        lineage (who copied whom, from derived_from) in pre-order: [{ordinance, parent_id,
        depth, child_ids, also_derived_from_ids}], each under the earliest model it names."""
        return usecases.spread(self.store, Caller.of(caller), issue_area, shape)

    @rpc
    def compare_provisions(self, issue_area, ordinance_ids=None, as_of=None, caller=None):
        """Coded provisions side by side: ``fields`` (the issue area's field names, defined
        in ``definitions``) and one row per ordinance (the given ids in order, or all on
        the issue by state and jurisdiction); with ``as_of`` (a date) the values in force
        on that day, from each ordinance's provision history."""
        return usecases.compare_provisions(self.store, Caller.of(caller), issue_area, ordinance_ids, as_of)

    @rpc
    def compare_texts(self, left, right, caller=None):
        """Two texts compared section by section (sections split on Markdown headings):
        each side is {ordinance_id[, text_version]}, {toolkit_slug[, toolkit_version]} (a
        model ordinance), {model_of: ordinance_id} (the toolkit version it followed) or
        {text[, title]}. Returns left, right, sections[{change added|removed|changed|
        unchanged, left_heading, right_heading, similarity, diff[]}], counts, identical and
        the coded provisions side by side. BadInput past 200,000 characters a side;
        NotFound for an unknown ordinance, toolkit or version."""
        return usecases.compare_texts(self.store, Caller.of(caller), left, right)

    @rpc
    def provision_fields(self, caller=None):
        """Every coded provision field: name, kind, meaning and the issue areas coding it
        (empty for the fields every issue area takes)."""
        return usecases.provision_fields(self.store, Caller.of(caller))

    @rpc
    def status_definitions(self, caller=None):
        """Every ordinance status with its plain-language meaning and the actions that may follow."""
        return usecases.status_definitions(self.store, Caller.of(caller))
