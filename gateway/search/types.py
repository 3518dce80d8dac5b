"""The search service's object types and inputs: a hit is a union of the owners' types."""
import graphene

from ..connections import PageInfo
from ..members.types import Member
from ..notifications.types import Ask
from ..toolkits.types import Ordinance, Toolkit


class SearchType(graphene.Enum):
    MEMBER = "member"
    TOOLKIT = "toolkit"
    ORDINANCE = "ordinance"
    ASK = "ask"


GRAPHENE_TYPES = {"Member": Member, "Toolkit": Toolkit, "Ordinance": Ordinance, "Ask": Ask}


class SearchHit(graphene.Union):
    class Meta:
        types = (Member, Toolkit, Ordinance, Ask)

    @classmethod
    def resolve_type(cls, instance, info):
        return GRAPHENE_TYPES[instance["__typename"]]


class SearchEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(SearchHit, required=True)
    highlights = graphene.List(graphene.NonNull(graphene.String), required=True)
    score = graphene.Float()

    @staticmethod
    def resolve_highlights(edge, info):
        return edge.get("highlights") or []


class FacetBucket(graphene.ObjectType):
    value = graphene.String(required=True)
    count = graphene.Int(required=True)


class Facet(graphene.ObjectType):
    field = graphene.String(required=True)
    buckets = graphene.List(graphene.NonNull(FacetBucket), required=True)


class SearchResults(graphene.ObjectType):
    total_count = graphene.Int(required=True)
    edges = graphene.List(graphene.NonNull(SearchEdge), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    facets = graphene.List(graphene.NonNull(Facet), required=True)

    @staticmethod
    def resolve_facets(results, info):
        return results.get("facets") or []


class Suggestion(graphene.ObjectType):
    """A completion for a search box: what to show, and what it is."""
    type = graphene.Field(SearchType, required=True)
    id = graphene.ID(required=True)
    text = graphene.String(required=True)


class SearchFilter(graphene.InputObjectType):
    state = graphene.String()
    issue_area = graphene.String()
    status = graphene.String()
    jurisdiction = graphene.ID()
