"""The members service's part of Query."""
import graphene

from clearinghouse import validation
from clearinghouse.issue_areas import ISSUE_AREAS

from ..connections import counted, page_args
from ..inputs import drop_none
from .loaders import MembersById, OrganizationsById
from .types import (ApiKeyRecordConnection, IssueArea, Member, MemberConnection, MemberFilter, Organization,
                    OrganizationConnection, Viewer)


class MembersQuery(graphene.ObjectType):
    viewer = graphene.Field(Viewer, required=True)
    issue_areas = graphene.List(graphene.NonNull(IssueArea), required=True)
    member = graphene.Field(Member, id=graphene.ID(required=True))
    members = graphene.Field(MemberConnection, required=True, **page_args(filter=MemberFilter()))
    organization = graphene.Field(Organization, id=graphene.ID(required=True))
    organizations = graphene.Field(OrganizationConnection, required=True, **page_args())
    api_keys = graphene.Field(ApiKeyRecordConnection, required=True, **page_args(),
                              description="STAFF: every key; a member or partner: their own keys")

    @staticmethod
    def resolve_viewer(root, info):
        return info.context.identity

    @staticmethod
    def resolve_issue_areas(root, info):
        return [{"slug": slug, "name": name} for slug, name in ISSUE_AREAS.items()]

    # A malformed id is refused here, not in the batch: in get_members it would fail every
    # other id loaded with it.
    @staticmethod
    def resolve_member(root, info, id):
        return MembersById.of(info.context).load(validation.identifier(id, "id", "mem"))

    @staticmethod
    def resolve_members(root, info, first, after=None, filter=None):
        ctx = info.context
        return ctx.call("members", "list_members", drop_none(filter or {}), first=first, after=after,
                        caller=ctx.caller, count=counted(info))

    @staticmethod
    def resolve_organization(root, info, id):
        return OrganizationsById.of(info.context).load(validation.identifier(id, "id", "org"))

    @staticmethod
    def resolve_organizations(root, info, first, after=None):
        ctx = info.context
        return ctx.call("members", "list_organizations", first=first, after=after, caller=ctx.caller)

    @staticmethod
    def resolve_api_keys(root, info, first, after=None):
        ctx = info.context
        return ctx.call("members", "list_api_keys", first=first, after=after, caller=ctx.caller)
