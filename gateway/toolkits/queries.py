"""The toolkits service's part of Query. Who sees drafts, and what a filter or an issue
area may be, is decided by toolkits from the caller and the values passed here."""
import graphene

from clearinghouse import validation

from ..connections import counted, page_args
from ..inputs import drop_none, enum_value
from ..limits import first_argument
from ..scalars import Date
from .loaders import OrdinancesById
from .docket import (Case, CaseConnection, CaseFilter, LineageNode, PreemptionBill, PreemptionBillConnection,
                     PreemptionBillFilter)
from .texts import TextComparison, TextSideInput
from .types import (Ordinance, OrdinanceConnection, OrdinanceFilter, PassCheck, Preemption, ProvisionComparison,
                    StatusDefinition, Toolkit, ToolkitConnection, ToolkitStatus, load_toolkit)


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
                                        ordinance_ids=graphene.List(graphene.NonNull(graphene.ID)),
                                        as_of=Date(description="the provisions in force on this date"))
    spread_tree = graphene.List(graphene.NonNull(LineageNode), required=True,
                                issue_area=graphene.String(required=True), first=first_argument(),
                                description="Where an issue's ordinances spread as a lineage tree (who copied "
                                            "whom), in pre-order: each node with its depth and parent.")
    case = graphene.Field(Case, slug=graphene.String(required=True), description="A court case on the docket.")
    cases = graphene.Field(CaseConnection, required=True, **page_args(filter=CaseFilter()),
                           description="The litigation docket, by slug (filter by legal theory, state, issue, "
                                       "ordinance).")
    preemption_bill = graphene.Field(PreemptionBill, id=graphene.ID(required=True))
    preemption_bills = graphene.Field(PreemptionBillConnection, required=True,
                                      **page_args(filter=PreemptionBillFilter()),
                                      description="State bills that would preempt local laws (the bill watch).")
    compare_texts = graphene.Field(TextComparison, required=True, left=TextSideInput(required=True),
                                   right=TextSideInput(required=True),
                                   description="Two texts section by section: an ordinance against its model "
                                               "(left: {modelOf: id}), two toolkit versions, two ordinances.")

    @staticmethod
    def resolve_status_definitions(root, info):
        return info.context.call("toolkits", "status_definitions")

    @staticmethod
    def resolve_toolkit(root, info, slug, version=None, draft=False):
        ctx = info.context
        if version is None and not draft:
            # null for a missing toolkit and for one hidden from the caller alike
            return load_toolkit(ctx, slug)
        return ctx.call("toolkits", "get_toolkit", slug, version=version, draft=bool(draft), caller=ctx.caller)

    @staticmethod
    def resolve_toolkits(root, info, first, after=None, issue_area=None, status=None):
        ctx = info.context
        return ctx.call("toolkits", "list_toolkits", issue_area=issue_area, status=enum_value(status),
                        first=first, after=after, caller=ctx.caller, count=counted(info))

    # A malformed id is refused here, not in the batch: in get_ordinances it would fail
    # every other id loaded with it.
    @staticmethod
    def resolve_ordinance(root, info, id):
        return OrdinancesById.of(info.context).load(validation.identifier(id, "id", "ord"))

    @staticmethod
    def resolve_ordinances(root, info, first, after=None, filter=None):
        ctx = info.context
        return ctx.call("toolkits", "list_ordinances", drop_none(filter or {}), first=first, after=after,
                        caller=ctx.caller, count=counted(info))

    @staticmethod
    def resolve_preemptions(root, info, state=None, issue_area=None):
        ctx = info.context
        return ctx.call("toolkits", "list_preemptions", state=state, issue_area=issue_area, caller=ctx.caller)

    @staticmethod
    def resolve_can_pass(root, info, jurisdiction, issue_area):
        ctx = info.context
        return ctx.call("toolkits", "can_pass", jurisdiction, issue_area, caller=ctx.caller)

    @staticmethod
    def resolve_spread(root, info, issue_area, first):
        # toolkits answers the whole list; the first are kept, as the query's cost counted
        ctx = info.context
        return ctx.call("toolkits", "spread", issue_area, caller=ctx.caller).then(lambda spread: spread[:first])

    @staticmethod
    def resolve_compare_provisions(root, info, issue_area, ordinance_ids=None, as_of=None):
        ctx = info.context
        return ctx.call("toolkits", "compare_provisions", issue_area, ordinance_ids=ordinance_ids, as_of=as_of,
                        caller=ctx.caller)

    @staticmethod
    def resolve_spread_tree(root, info, issue_area, first):
        ctx = info.context
        return ctx.call("toolkits", "spread", issue_area, shape="tree", caller=ctx.caller).then(
            lambda nodes: nodes[:first])

    @staticmethod
    def resolve_case(root, info, slug):
        ctx = info.context
        return ctx.call("toolkits", "get_case", slug, caller=ctx.caller)

    @staticmethod
    def resolve_cases(root, info, first, after=None, filter=None):
        ctx = info.context
        return ctx.call("toolkits", "list_cases", drop_none(filter or {}), first=first, after=after, caller=ctx.caller)

    @staticmethod
    def resolve_preemption_bill(root, info, id):
        ctx = info.context
        return ctx.call("toolkits", "get_bill", id, caller=ctx.caller)

    @staticmethod
    def resolve_preemption_bills(root, info, first, after=None, filter=None):
        ctx = info.context
        return ctx.call("toolkits", "list_bills", drop_none(filter or {}), first=first, after=after, caller=ctx.caller)

    @staticmethod
    def resolve_compare_texts(root, info, left, right):
        ctx = info.context
        return ctx.call("toolkits", "compare_texts", drop_none(left), drop_none(right), caller=ctx.caller)
