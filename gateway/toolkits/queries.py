"""The toolkits service's part of Query. Who sees drafts, and what a filter or an issue
area may be, is decided by toolkits from the caller and the values passed here."""
import graphene

from clearinghouse import validation

from ..connections import counted, page_args
from ..inputs import drop_none, enum_value
from ..limits import first_argument
from .loaders import OrdinancesById
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
                                        ordinance_ids=graphene.List(graphene.NonNull(graphene.ID)))

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
    def resolve_compare_provisions(root, info, issue_area, ordinance_ids=None):
        ctx = info.context
        return ctx.call("toolkits", "compare_provisions", issue_area, ordinance_ids=ordinance_ids, caller=ctx.caller)
