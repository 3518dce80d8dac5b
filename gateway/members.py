"""People, organisations, API keys and the viewer: the members service's part of the schema."""
import graphene

from clearinghouse import ocd, validation
from clearinghouse.issue_areas import ISSUE_AREAS, check_issue_area

from .limits import first_argument
from .relay import connection, drop_none, page_args
from .scalars import Date, DateTime


class Role(graphene.Enum):
    PUBLIC = "public"
    MEMBER = "member"
    PARTNER = "partner"
    STAFF = "staff"


def role_value(role) -> str:
    return getattr(role, "value", role)


class IssueArea(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)


class Jurisdiction(graphene.ObjectType):
    """A place, by its Open Civic Data division id."""
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    state = graphene.String(required=True)


def jurisdiction_of(value):
    """Services give a division id (or already a {id, name, state}); clients get the object."""
    if value is None or isinstance(value, dict):
        return value
    return ocd.jurisdiction(value)


class Office(graphene.ObjectType):
    role = graphene.String(required=True)
    body = graphene.String(required=True)
    jurisdiction = graphene.Field(Jurisdiction, required=True)
    district = graphene.String()
    start_date = Date()
    end_date = Date()

    @staticmethod
    def resolve_jurisdiction(office, info):
        return jurisdiction_of(office["jurisdiction"])


class Member(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    given_name = graphene.String()
    family_name = graphene.String()
    pronouns = graphene.String()
    bio = graphene.String()
    status = graphene.String(required=True, description="prospect | active | lapsed | alumni")
    joined_on = Date()
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True)
    offices = graphene.List(graphene.NonNull(Office), required=True, description="current and past, newest first")
    sponsored = graphene.List(graphene.NonNull(lambda: _ordinance()), required=True, first=first_argument())
    # the members service blanks these for callers who may not see them
    email = graphene.String(description="(private) null for PUBLIC and PARTNER callers")
    phone = graphene.String(description="(private) null for PUBLIC and PARTNER callers")
    version = graphene.Int(required=True)

    @staticmethod
    def resolve_sponsored(member, info, first):
        return info.context.sponsored.load(member["id"]).then(lambda ordinances: ordinances[:first])


def _ordinance():
    from .toolkits import Ordinance
    return Ordinance


class Organization(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    website = graphene.String()
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True)


class Viewer(graphene.ObjectType):
    role = graphene.Field(Role, required=True)
    member = graphene.Field(Member)
    organization = graphene.Field(Organization)

    @staticmethod
    def resolve_role(identity, info):
        return identity.role

    @staticmethod
    def resolve_member(identity, info):
        if identity.owner_kind == "member" and identity.owner_id:
            return info.context.members.load(identity.owner_id)
        return None

    @staticmethod
    def resolve_organization(identity, info):
        if identity.owner_kind == "organization" and identity.owner_id:
            return info.context.organizations.load(identity.owner_id)
        return None


class ApiKey(graphene.ObjectType):
    id = graphene.ID(required=True)
    role = graphene.Field(Role, required=True)
    key = graphene.String(required=True, description="shown once; store it now")


class ApiKeyRecord(graphene.ObjectType):
    """A key as it is listed: never the key itself."""
    id = graphene.ID(required=True)
    role = graphene.Field(Role, required=True)
    owner_id = graphene.ID(description="the member or organisation the key belongs to; null for a staff key of no one")
    owner_kind = graphene.String(description="member | organization")
    created_at = DateTime(required=True)
    revoked_at = DateTime(description="null while the key works")


MemberConnection = connection(Member, "Member")
OrganizationConnection = connection(Organization, "Organization")
ApiKeyRecordConnection = connection(ApiKeyRecord, "ApiKeyRecord")


class MemberFilter(graphene.InputObjectType):
    state = graphene.String()
    jurisdiction = graphene.ID()
    body = graphene.String()
    role = graphene.String()
    issue_area = graphene.String()
    status = graphene.String()
    name_prefix = graphene.String()


class OfficeInput(graphene.InputObjectType):
    role = graphene.String(required=True)
    body = graphene.String(required=True)
    jurisdiction = graphene.ID(required=True)
    district = graphene.String()
    start_date = Date()
    end_date = Date()


class MemberInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    given_name = graphene.String()
    family_name = graphene.String()
    pronouns = graphene.String()
    bio = graphene.String()
    status = graphene.String()
    issue_areas = graphene.List(graphene.NonNull(graphene.String))
    offices = graphene.List(graphene.NonNull(OfficeInput))
    email = graphene.String()
    phone = graphene.String()


class OrganizationInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    website = graphene.String()
    issue_areas = graphene.List(graphene.NonNull(graphene.String))


def _member_filter(filter) -> dict:
    checked = drop_none(filter or {})
    if "state" in checked:
        checked["state"] = ocd.check_state(checked["state"], "filter.state")
    if "jurisdiction" in checked:
        ocd.check_division(checked["jurisdiction"], "filter.jurisdiction")
    if "issue_area" in checked:
        check_issue_area(checked["issue_area"], "filter.issueArea")
    return checked


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

    @staticmethod
    def resolve_member(root, info, id):
        return info.context.members.load(validation.identifier(id, "id", "mem"))

    @staticmethod
    def resolve_members(root, info, first, after=None, filter=None):
        ctx = info.context
        return ctx.call("members", "list_members", _member_filter(filter), first=first, after=after,
                        caller=ctx.identity.caller)

    @staticmethod
    def resolve_organization(root, info, id):
        return info.context.organizations.load(validation.identifier(id, "id", "org"))

    @staticmethod
    def resolve_organizations(root, info, first, after=None):
        ctx = info.context
        return ctx.call("members", "list_organizations", first=first, after=after, caller=ctx.identity.caller)

    @staticmethod
    def resolve_api_keys(root, info, first, after=None):
        ctx = info.context
        return ctx.call("members", "list_api_keys", first=first, after=after, caller=ctx.identity.caller)


# Who may do what is the members service's decision; these resolvers pass the caller.


class MembersMutation(graphene.ObjectType):
    create_member = graphene.Field(Member, required=True, input=MemberInput(required=True))
    update_member = graphene.Field(Member, required=True, id=graphene.ID(required=True),
                                   input=MemberInput(required=True))
    create_organization = graphene.Field(Organization, required=True, input=OrganizationInput(required=True))
    create_api_key = graphene.Field(ApiKey, required=True, role=Role(required=True), owner_id=graphene.ID())
    revoke_api_key = graphene.Field(ApiKeyRecord, required=True, id=graphene.ID(required=True),
                                    description="STAFF: any key; a member or partner: their own")

    @staticmethod
    def resolve_create_member(root, info, input):
        ctx = info.context
        return ctx.call("members", "create_member", drop_none(input), caller=ctx.identity.caller)

    @staticmethod
    def resolve_update_member(root, info, id, input):
        ctx = info.context
        return ctx.call("members", "update_member", id, drop_none(input), caller=ctx.identity.caller)

    @staticmethod
    def resolve_create_organization(root, info, input):
        ctx = info.context
        return ctx.call("members", "create_organization", drop_none(input), caller=ctx.identity.caller)

    @staticmethod
    def resolve_create_api_key(root, info, role, owner_id=None):
        ctx = info.context
        return ctx.call("members", "create_api_key", role_value(role), owner_id=owner_id,
                        caller=ctx.identity.caller)

    @staticmethod
    def resolve_revoke_api_key(root, info, id):
        ctx = info.context
        return ctx.call("members", "revoke_api_key", id, caller=ctx.identity.caller)
