"""The toolkits service's object types, connections and inputs."""
import graphene

from ..connections import connection
from ..feeds import feed_path
from ..limits import first_argument
from ..loaders import Pending
from ..members.loaders import MembersById
from ..members.types import Jurisdiction, Member, jurisdiction_of
from ..scalars import JSON, Date, DateTime
from .loaders import OrdinancesById, OrdinancesByToolkit, ToolkitsBySlug
from .texts import (AmendmentInput, DatedProvisions, DatedProvisionsInput, MeasureRef, MeasureRefInput,
                    TextVersion, ToolkitRefInput)


def load_toolkit(ctx, slug) -> Pending | None:
    # toolkits decides what the caller may see: a toolkit hidden from it comes back None
    return ToolkitsBySlug.of(ctx).load(slug) if slug else None


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
    changes = JSON(description="for an amendment: the provisions, text, effective date and summary it changed")
    recorded_at = DateTime(required=True)


def _ask_type():
    from ..notifications.types import Ask  # notifications' types name Toolkit too (Ask.toolkit)
    return Ask


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
    questions = graphene.List(graphene.NonNull(lambda: _ask_type()), required=True, first=first_argument(),
                              description="Resolved asks linked here as questions and answers, newest first "
                                          "(members, partners and staff).")

    @staticmethod
    def resolve_questions(toolkit, info, first):
        from ..notifications.loaders import QuestionsByToolkit
        return QuestionsByToolkit.of(info.context).load(toolkit["slug"]).then(lambda asks: asks[:first])

    feed_url = graphene.String(required=True, description="the Atom feed of toolkit publications on its issue area")

    @staticmethod
    def resolve_feed_url(toolkit, info):
        return feed_path("toolkits.atom", issueArea=toolkit["issue_area"])

    @staticmethod
    def resolve_experts(toolkit, info):
        return present(MembersById.of(info.context).load_many(toolkit.get("expert_ids") or []))

    @staticmethod
    def resolve_ordinances(toolkit, info, first):
        return OrdinancesByToolkit.of(info.context).load(toolkit["slug"]).then(lambda ordinances: ordinances[:first])

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
    text = graphene.String(description="the enacted text, Markdown, as last amended")
    text_version = graphene.Int(description="the number of the text shown (1 as enacted, one more per amendment)")
    texts = graphene.List(graphene.NonNull(TextVersion), required=True, first=first_argument(),
                          description="every text version, oldest first (compare them with compareTexts)")
    toolkit_version = graphene.Int(description="the published toolkit version it drew on")
    provision_history = graphene.List(graphene.NonNull(DatedProvisions), required=True, first=first_argument(),
                                      description="the provisions from each date they applied, oldest first")
    derived_from = graphene.List(graphene.NonNull(MeasureRef), required=True, first=first_argument(),
                                 description="the ordinances it was modelled on")

    @staticmethod
    def resolve_texts(ordinance, info, first):
        return (ordinance.get("texts") or [])[:first]

    @staticmethod
    def resolve_provision_history(ordinance, info, first):
        return (ordinance.get("provision_history") or [])[:first]

    @staticmethod
    def resolve_derived_from(ordinance, info, first):
        return (ordinance.get("derived_from") or [])[:first]

    feed_url = graphene.String(required=True, description="the Atom feed of ordinance changes in its jurisdiction")
    calendar_url = graphene.String(required=True, description="the iCalendar feed of its jurisdiction's "
                                                              "ordinance dates")

    @staticmethod
    def resolve_feed_url(ordinance, info):
        return feed_path("ordinances.atom", jurisdiction=ordinance["jurisdiction"])

    @staticmethod
    def resolve_calendar_url(ordinance, info):
        return feed_path("calendar.ics", jurisdiction=ordinance["jurisdiction"])

    @staticmethod
    def resolve_jurisdiction(ordinance, info):
        return jurisdiction_of(ordinance["jurisdiction"])

    @staticmethod
    def resolve_toolkit(ordinance, info):
        return load_toolkit(info.context, ordinance.get("toolkit_slug"))

    @staticmethod
    def resolve_sponsors(ordinance, info):
        return present(MembersById.of(info.context).load_many(ordinance.get("sponsor_ids") or []))

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
    source = graphene.Field("gateway.toolkits.docket.VerdictSource",
                            description="the preemption record the verdict rests on (null: none, or a state)")
    pending_bills = graphene.List(graphene.NonNull("gateway.toolkits.docket.PreemptionBill"), required=True,
                                  first=first_argument(),
                                  description="state bills on this issue not yet law or dead")

    @staticmethod
    def resolve_pending_bills(check, info, first):
        return (check.get("pending_bills") or [])[:first]

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
        return OrdinancesById.of(info.context).load(row["ordinance_id"])

    @staticmethod
    def resolve_jurisdiction(row, info):
        return jurisdiction_of(row["jurisdiction"])


class ProvisionComparison(graphene.ObjectType):
    """Ordinances on one issue side by side, by their coded provisions."""
    issue_area = graphene.String(required=True)
    as_of = Date(description="the date the provisions shown were in force on, if asked")
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
    text = graphene.String(description="the enacted text, Markdown (sections as headings), up to 200,000 characters")
    toolkit = ToolkitRefInput(description="the toolkit and published version it followed")
    derived_from = graphene.List(graphene.NonNull(MeasureRefInput), description="the ordinances it was modelled on")
    provision_history = graphene.List(graphene.NonNull(DatedProvisionsInput),
                                      description="earlier and phased-in provisions, each from its date")


class ActionInput(graphene.InputObjectType):
    type = graphene.String(required=True)
    date = Date(required=True)
    note = graphene.String()
    source_url = graphene.String()
    changes = AmendmentInput(description="for an amended action: what it changed")


class PreemptionInput(graphene.InputObjectType):
    state = graphene.String(required=True)
    issue_area = graphene.String(required=True)
    scope = graphene.String(required=True)
    statute = graphene.String()
    year = graphene.Int()
    voids_existing_laws = graphene.Boolean()
    notes = graphene.String()
    source_url = graphene.String()
