"""The members service's object types, connections and inputs."""
import graphene

from clearinghouse import ocd

from ..connections import connection, page_args
from ..limits import first_argument
from ..scalars import Date, DateTime
from ..toolkits.loaders import OrdinancesBySponsor
from .loaders import MembersById, OrganizationsById


class Role(graphene.Enum):
    PUBLIC = "public"
    MEMBER = "member"
    PARTNER = "partner"
    STAFF = "staff"


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


def _affiliations_field(what: str):
    return graphene.Field(lambda: AffiliationConnection, required=True, **page_args(),
                          description=f"{what}, oldest first (a partner sees only its own organisation's; keys only).")


def _affiliations(key: str):
    """The resolver of a connection of affiliations of the parent, as ``key`` (member_id or
    organization_id): one call per parent, a page with its own cursor (the gateway's cost
    limits bound how many parents)."""
    def resolve(parent, info, first, after=None):
        ctx = info.context
        return ctx.call("members", "list_affiliations", first=first, after=after, caller=ctx.caller,
                        **{key: parent["id"]})
    return resolve


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
        return OrdinancesBySponsor.of(info.context).load(member["id"]).then(lambda ordinances: ordinances[:first])

    affiliations = _affiliations_field("The organisations this member belongs to")
    resolve_affiliations = staticmethod(_affiliations("member_id"))


def _ordinance():
    from ..toolkits.types import Ordinance  # toolkits' types refer to Member: resolved when the schema is built
    return Ordinance


class Organization(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    website = graphene.String()
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True)
    members = _affiliations_field("The members who belong to it (its staff, the officials it works with)")
    resolve_members = staticmethod(_affiliations("organization_id"))


class Affiliation(graphene.ObjectType):
    """A member's membership of an organisation (Popolo: membership)."""
    id = graphene.ID(required=True)
    role = graphene.String(required=True)
    start_date = Date()
    end_date = Date(description="null while it lasts")
    member = graphene.Field(Member)
    organization = graphene.Field(Organization)

    @staticmethod
    def resolve_member(affiliation, info):
        return MembersById.of(info.context).load(affiliation["member_id"])

    @staticmethod
    def resolve_organization(affiliation, info):
        return OrganizationsById.of(info.context).load(affiliation["organization_id"])


AffiliationConnection = connection(Affiliation, "Affiliation")


class AffiliationInput(graphene.InputObjectType):
    member_id = graphene.ID(required=True)
    organization_id = graphene.ID(required=True)
    role = graphene.String(required=True)
    start_date = Date()
    end_date = Date()


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
            return MembersById.of(info.context).load(identity.owner_id)
        return None

    @staticmethod
    def resolve_organization(identity, info):
        if identity.owner_kind == "organization" and identity.owner_id:
            return OrganizationsById.of(info.context).load(identity.owner_id)
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
