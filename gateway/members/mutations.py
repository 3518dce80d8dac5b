"""The members service's part of Mutation. Who may do what is the members service's
decision; these resolvers pass the caller."""
import graphene

from ..inputs import drop_none, enum_value
from ..scalars import Date
from .types import (Affiliation, AffiliationInput, ApiKey, ApiKeyRecord, Member, MemberInput, Organization,
                    OrganizationInput, Role)


class MembersMutation(graphene.ObjectType):
    create_member = graphene.Field(Member, required=True, input=MemberInput(required=True))
    update_member = graphene.Field(Member, required=True, id=graphene.ID(required=True),
                                   input=MemberInput(required=True))
    create_organization = graphene.Field(Organization, required=True, input=OrganizationInput(required=True))
    create_api_key = graphene.Field(ApiKey, required=True, role=Role(required=True), owner_id=graphene.ID())
    revoke_api_key = graphene.Field(ApiKeyRecord, required=True, id=graphene.ID(required=True),
                                    description="STAFF: any key; a member or partner: their own")
    add_affiliation = graphene.Field(Affiliation, required=True, input=AffiliationInput(required=True),
                                     description="STAFF: any organisation; a PARTNER: its own")
    end_affiliation = graphene.Field(Affiliation, required=True, id=graphene.ID(required=True),
                                     end_date=Date(required=True))

    @staticmethod
    def resolve_create_member(root, info, input):
        ctx = info.context
        return ctx.call("members", "create_member", drop_none(input), caller=ctx.caller)

    @staticmethod
    def resolve_update_member(root, info, id, input):
        ctx = info.context
        return ctx.call("members", "update_member", id, drop_none(input), caller=ctx.caller)

    @staticmethod
    def resolve_create_organization(root, info, input):
        ctx = info.context
        return ctx.call("members", "create_organization", drop_none(input), caller=ctx.caller)

    @staticmethod
    def resolve_create_api_key(root, info, role, owner_id=None):
        ctx = info.context
        return ctx.call("members", "create_api_key", enum_value(role), owner_id=owner_id, caller=ctx.caller)

    @staticmethod
    def resolve_revoke_api_key(root, info, id):
        ctx = info.context
        return ctx.call("members", "revoke_api_key", id, caller=ctx.caller)

    @staticmethod
    def resolve_add_affiliation(root, info, input):
        ctx = info.context
        return ctx.call("members", "add_affiliation", drop_none(input), caller=ctx.caller)

    @staticmethod
    def resolve_end_affiliation(root, info, id, end_date):
        ctx = info.context
        return ctx.call("members", "end_affiliation", id, end_date, caller=ctx.caller)
