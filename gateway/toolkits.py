"""Toolkits, ordinances and preemption: the toolkits service's part of the schema."""
import graphene

from clearinghouse import ocd, validation
from clearinghouse.issue_areas import check_issue_area

from .limits import first_argument
from .loaders import Pending
from .members import Jurisdiction, Member, jurisdiction_of
from .relay import connection, drop_none, page_args
from .scalars import JSON, Date, DateTime


def load_toolkit(ctx, slug) -> Pending | None:
    # toolkits decides what the caller may see: a toolkit hidden from it comes back None
    return ctx.toolkits.load(slug) if slug else None


def present(pending: Pending) -> Pending:
    """A batch-loaded list without the entries that no longer exist."""
    return pending.then(lambda values: [v for v in values if v is not None])


class Link(graphene.ObjectType):
    title = graphene.String(required=True)
    url = graphene.String(required=True)


class ToolkitVersion(graphene.ObjectType):
    version = graphene.Int(required=True)
    published_at = DateTime()
    change_note = graphene.String()


class StatusDefinition(graphene.ObjectType):
    status = graphene.String(required=True)
    meaning = graphene.String(required=True)
    next_actions = graphene.List(graphene.NonNull(graphene.String), description="actions that may follow")
    in_effect = graphene.Boolean(description="whether a law in this status is in force")


class Action(graphene.ObjectType):
    type = graphene.String(required=True)
    date = Date(required=True)
    note = graphene.String()
    source_url = graphene.String()
    recorded_at = DateTime(required=True)


class Toolkit(graphene.ObjectType):
    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    issue_area = graphene.String(required=True)
    summary = graphene.String(required=True)
    status = graphene.String(required=True, description="draft | published | archived")
    version = graphene.Int(required=True)
    published_at = DateTime()
    model_ordinance = graphene.String()
    legal_notes = graphene.String()
    talking_points = graphene.List(graphene.NonNull(graphene.String), required=True)
    resources = graphene.List(graphene.NonNull(Link), required=True)
    experts = graphene.List(graphene.NonNull(Member), required=True)
    ordinances = graphene.List(graphene.NonNull(lambda: Ordinance), required=True, first=first_argument())
    versions = graphene.List(graphene.NonNull(ToolkitVersion), required=True, first=first_argument())
    change_note = graphene.String(description="what changed in the version shown")
    draft_version = graphene.Int(description="the number of a pending draft, if one is being written")

    @staticmethod
    def resolve_experts(toolkit, info):
        return present(info.context.members.load_many(toolkit.get("expert_ids") or []))

    @staticmethod
    def resolve_ordinances(toolkit, info, first):
        return info.context.toolkit_ordinances.load(toolkit["slug"]).then(lambda ordinances: ordinances[:first])

    @staticmethod
    def resolve_talking_points(toolkit, info):
        return toolkit.get("talking_points") or []

    @staticmethod
    def resolve_resources(toolkit, info):
        return toolkit.get("resources") or []

    @staticmethod
    def resolve_versions(toolkit, info, first):
        return (toolkit.get("versions") or [])[:first]


class Ordinance(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    jurisdiction = graphene.Field(Jurisdiction, required=True)
    issue_area = graphene.String(required=True)
    toolkit = graphene.Field(Toolkit)
    sponsors = graphene.List(graphene.NonNull(Member), required=True)
    status = graphene.String(required=True, description="derived from the latest action")
    actions = graphene.List(graphene.NonNull(Action), required=True, description="oldest first",
                            first=first_argument())
    provisions = JSON(description='coded features for comparison, e.g. {"wage_usd": 15}')
    source_url = graphene.String()
    version = graphene.Int(required=True)
    notes = graphene.String()
    next_actions = graphene.List(graphene.NonNull(graphene.String),
                                 description="actions that may be recorded next, given the status")
    first_action = graphene.Field(Action, description="the oldest action (where it started)")
    latest_action = graphene.Field(Action, description="the action that set the current status")

    @staticmethod
    def resolve_jurisdiction(ordinance, info):
        return jurisdiction_of(ordinance["jurisdiction"])

    @staticmethod
    def resolve_toolkit(ordinance, info):
        return load_toolkit(info.context, ordinance.get("toolkit_slug"))

    @staticmethod
    def resolve_sponsors(ordinance, info):
        return present(info.context.members.load_many(ordinance.get("sponsor_ids") or []))

    @staticmethod
    def resolve_actions(ordinance, info, first):
        return (ordinance.get("actions") or [])[:first]

    @staticmethod
    def resolve_first_action(ordinance, info):
        actions = ordinance.get("actions") or []
        return ordinance.get("first_action") or (actions[0] if actions else None)

    @staticmethod
    def resolve_latest_action(ordinance, info):
        actions = ordinance.get("actions") or []
        return ordinance.get("latest_action") or (actions[-1] if actions else None)


class Preemption(graphene.ObjectType):
    state = graphene.String(required=True)
    issue_area = graphene.String(required=True)
    scope = graphene.String(required=True, description="full | partial | none")
    statute = graphene.String()
    year = graphene.Int()
    voids_existing_laws = graphene.Boolean()
    notes = graphene.String()
    source_url = graphene.String()
    history = JSON(description="earlier versions of this record, oldest first")
    version = graphene.Int()


class PassCheck(graphene.ObjectType):
    jurisdiction = graphene.Field(Jurisdiction, required=True)
    issue_area = graphene.String(required=True)
    verdict = graphene.String(required=True, description="allowed | preempted | partially_preempted | unknown")
    explanation = graphene.String(required=True)
    preemptions = graphene.List(graphene.NonNull(Preemption), required=True)
    toolkit = graphene.Field(Toolkit)
    peers = graphene.List(graphene.NonNull(Ordinance), required=True,
                          description="ordinances on this issue in effect elsewhere")

    @staticmethod
    def resolve_jurisdiction(check, info):
        return jurisdiction_of(check["jurisdiction"])

    @staticmethod
    def resolve_toolkit(check, info):
        return load_toolkit(info.context, check.get("toolkit_slug"))


class ProvisionField(graphene.ObjectType):
    name = graphene.String(required=True)
    kind = graphene.String()
    meaning = graphene.String()


class ProvisionRow(graphene.ObjectType):
    ordinance = graphene.Field(Ordinance)
    title = graphene.String()
    jurisdiction = graphene.Field(Jurisdiction, required=True)
    status = graphene.String(required=True)
    provisions = JSON()

    @staticmethod
    def resolve_ordinance(row, info):
        return info.context.ordinances.load(row["ordinance_id"])

    @staticmethod
    def resolve_jurisdiction(row, info):
        return jurisdiction_of(row["jurisdiction"])


class ProvisionComparison(graphene.ObjectType):
    """Ordinances on one issue side by side, by their coded provisions."""
    issue_area = graphene.String(required=True)
    fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    definitions = graphene.List(graphene.NonNull(ProvisionField), description="what each field means")
    rows = graphene.List(graphene.NonNull(ProvisionRow), required=True, first=first_argument())

    @staticmethod
    def resolve_rows(comparison, info, first):
        return (comparison.get("rows") or [])[:first]


ToolkitConnection = connection(Toolkit, "Toolkit")
OrdinanceConnection = connection(Ordinance, "Ordinance")


class ToolkitStatus(graphene.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class OrdinanceFilter(graphene.InputObjectType):
    state = graphene.String()
    jurisdiction = graphene.ID()
    issue_area = graphene.String()
    status = graphene.String()
    sponsor_id = graphene.ID()
    toolkit_slug = graphene.String()


class LinkInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    url = graphene.String(required=True)


class ToolkitInput(graphene.InputObjectType):
    slug = graphene.String()
    title = graphene.String()
    issue_area = graphene.String()
    summary = graphene.String()
    model_ordinance = graphene.String()
    legal_notes = graphene.String()
    talking_points = graphene.List(graphene.NonNull(graphene.String))
    resources = graphene.List(graphene.NonNull(LinkInput))
    expert_ids = graphene.List(graphene.NonNull(graphene.ID))
    change_note = graphene.String()


class OrdinanceInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    jurisdiction = graphene.ID(required=True)
    issue_area = graphene.String(required=True)
    toolkit_slug = graphene.String()
    sponsor_ids = graphene.List(graphene.NonNull(graphene.ID))
    provisions = JSON()
    source_url = graphene.String()
    notes = graphene.String()
    actions = graphene.List(graphene.NonNull(lambda: ActionInput), description="its history so far, oldest first")


class ActionInput(graphene.InputObjectType):
    type = graphene.String(required=True)
    date = Date(required=True)
    note = graphene.String()
    source_url = graphene.String()


class PreemptionInput(graphene.InputObjectType):
    state = graphene.String(required=True)
    issue_area = graphene.String(required=True)
    scope = graphene.String(required=True)
    statute = graphene.String()
    year = graphene.Int()
    voids_existing_laws = graphene.Boolean()
    notes = graphene.String()
    source_url = graphene.String()


def _ordinance_filter(filter) -> dict:
    checked = drop_none(filter or {})
    if "state" in checked:
        checked["state"] = ocd.check_state(checked["state"], "filter.state")
    if "jurisdiction" in checked:
        ocd.check_division(checked["jurisdiction"], "filter.jurisdiction")
    if "issue_area" in checked:
        check_issue_area(checked["issue_area"], "filter.issueArea")
    if "sponsor_id" in checked:
        validation.identifier(checked["sponsor_id"], "filter.sponsorId", "mem")
    return checked


class ToolkitsQuery(graphene.ObjectType):
    status_definitions = graphene.List(graphene.NonNull(StatusDefinition), required=True)
    toolkit = graphene.Field(Toolkit, slug=graphene.String(required=True),
                             version=graphene.Int(description="a published version; latest when omitted"),
                             draft=graphene.Boolean(description="the pending draft (STAFF)"))
    toolkits = graphene.Field(ToolkitConnection, required=True,
                              **page_args(issue_area=graphene.String(), status=ToolkitStatus()),
                              description="Published toolkits (STAFF also sees drafts; archived ones on request).")
    ordinance = graphene.Field(Ordinance, id=graphene.ID(required=True))
    ordinances = graphene.Field(OrdinanceConnection, required=True, **page_args(filter=OrdinanceFilter()))
    preemptions = graphene.List(graphene.NonNull(Preemption), required=True,
                                state=graphene.String(), issue_area=graphene.String())
    can_pass = graphene.Field(PassCheck, required=True, jurisdiction=graphene.ID(required=True),
                              issue_area=graphene.String(required=True),
                              description="Can this jurisdiction pass a law on this issue, and who already has?")
    spread = graphene.List(graphene.NonNull(Ordinance), required=True, issue_area=graphene.String(required=True),
                           first=first_argument(), description="Where an issue's ordinances have spread, oldest first.")
    compare_provisions = graphene.Field(ProvisionComparison, required=True,
                                        issue_area=graphene.String(required=True),
                                        ordinance_ids=graphene.List(graphene.NonNull(graphene.ID)))

    @staticmethod
    def resolve_status_definitions(root, info):
        return info.context.call("toolkits", "status_definitions")

    # Who sees drafts, and who may write, is decided by toolkits from the caller passed here.
    @staticmethod
    def resolve_toolkit(root, info, slug, version=None, draft=False):
        ctx = info.context
        if version is None and not draft:
            # null for a missing toolkit and for one hidden from the caller alike
            return load_toolkit(ctx, slug)
        return ctx.call("toolkits", "get_toolkit", slug, version=version, draft=bool(draft),
                        caller=ctx.identity.caller)

    @staticmethod
    def resolve_toolkits(root, info, first, after=None, issue_area=None, status=None):
        ctx = info.context
        if issue_area is not None:
            check_issue_area(issue_area)
        return ctx.call("toolkits", "list_toolkits", issue_area=issue_area, status=getattr(status, "value", status),
                        first=first, after=after, caller=ctx.identity.caller)

    @staticmethod
    def resolve_ordinance(root, info, id):
        return info.context.ordinances.load(validation.identifier(id, "id", "ord"))

    @staticmethod
    def resolve_ordinances(root, info, first, after=None, filter=None):
        return info.context.call("toolkits", "list_ordinances", _ordinance_filter(filter),
                                 first=first, after=after, caller=info.context.identity.caller)

    @staticmethod
    def resolve_preemptions(root, info, state=None, issue_area=None):
        if state is not None:
            state = ocd.check_state(state)
        if issue_area is not None:
            check_issue_area(issue_area)
        return info.context.call("toolkits", "list_preemptions", state=state, issue_area=issue_area,
                                 caller=info.context.identity.caller)

    @staticmethod
    def resolve_can_pass(root, info, jurisdiction, issue_area):
        ocd.check_division(jurisdiction)
        check_issue_area(issue_area)
        return info.context.call("toolkits", "can_pass", jurisdiction, issue_area, caller=info.context.identity.caller)

    @staticmethod
    def resolve_spread(root, info, issue_area, first):
        # toolkits answers the whole list; the first are kept, as the query's cost counted
        return info.context.call("toolkits", "spread", check_issue_area(issue_area),
                                 caller=info.context.identity.caller).then(lambda spread: spread[:first])

    @staticmethod
    def resolve_compare_provisions(root, info, issue_area, ordinance_ids=None):
        check_issue_area(issue_area)
        for i, ordinance_id in enumerate(ordinance_ids or []):
            validation.identifier(ordinance_id, f"ordinanceIds[{i}]", "ord")
        return info.context.call("toolkits", "compare_provisions", issue_area, ordinance_ids=ordinance_ids,
                                 caller=info.context.identity.caller)



class ToolkitsMutation(graphene.ObjectType):
    create_toolkit = graphene.Field(Toolkit, required=True, input=ToolkitInput(required=True))
    revise_toolkit = graphene.Field(Toolkit, required=True, slug=graphene.String(required=True),
                                    input=ToolkitInput(required=True))
    publish_toolkit = graphene.Field(Toolkit, required=True, slug=graphene.String(required=True),
                                     change_note=graphene.String())
    archive_toolkit = graphene.Field(Toolkit, required=True, slug=graphene.String(required=True))
    record_ordinance = graphene.Field(Ordinance, required=True, input=OrdinanceInput(required=True))
    record_ordinance_action = graphene.Field(Ordinance, required=True, ordinance_id=graphene.ID(required=True),
                                             action=ActionInput(required=True))
    set_preemption = graphene.Field(Preemption, required=True, input=PreemptionInput(required=True))

    @staticmethod
    # toolkits checks the caller's role (STAFF) before the input, so a refused caller
    # learns nothing from validation errors.
    @staticmethod
    def resolve_create_toolkit(root, info, input):
        data = drop_none(input)
        data.pop("change_note", None)  # a first draft has no change to note
        return info.context.call("toolkits", "create_toolkit", data, caller=info.context.identity.caller)

    @staticmethod
    def resolve_revise_toolkit(root, info, slug, input):
        return info.context.call("toolkits", "revise_toolkit", slug, drop_none(input),
                                 caller=info.context.identity.caller)

    @staticmethod
    def resolve_publish_toolkit(root, info, slug, change_note=None):
        return info.context.call("toolkits", "publish_toolkit", slug, change_note=change_note,
                                 caller=info.context.identity.caller)

    @staticmethod
    def resolve_archive_toolkit(root, info, slug):
        return info.context.call("toolkits", "archive_toolkit", slug, caller=info.context.identity.caller)

    @staticmethod
    def resolve_record_ordinance(root, info, input):
        return info.context.call("toolkits", "record_ordinance", drop_none(input), caller=info.context.identity.caller)

    @staticmethod
    def resolve_record_ordinance_action(root, info, ordinance_id, action):
        return info.context.call("toolkits", "record_action", ordinance_id, drop_none(action),
                                 caller=info.context.identity.caller)

    @staticmethod
    def resolve_set_preemption(root, info, input):
        return info.context.call("toolkits", "set_preemption", drop_none(input), caller=info.context.identity.caller)
