"""Search over members, toolkits, ordinances and asks. The index gives ids; the hits are
fetched from their owners with the request's loaders (one batch per type), so a hit is
always the owner's current record."""
import graphene

from clearinghouse import ocd, validation
from clearinghouse.errors import BadInput
from clearinghouse.issue_areas import check_issue_area

from .loaders import join
from .members import Member
from .notifications import Ask
from .relay import PageInfo
from .toolkits import Ordinance, Toolkit


class SearchType(graphene.Enum):
    MEMBER = "member"
    TOOLKIT = "toolkit"
    ORDINANCE = "ordinance"
    ASK = "ask"


TYPE_NAMES = {"member": "Member", "toolkit": "Toolkit", "ordinance": "Ordinance", "ask": "Ask"}
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


def _types(types):
    """Search types as the service names them (search decides which this caller may see)."""
    return [getattr(t, "value", t) for t in types] if types else None


def _filter(filter) -> dict:
    checked = {k: v for k, v in (filter or {}).items() if v is not None}
    if "state" in checked:
        checked["state"] = ocd.check_state(checked["state"], "filter.state")
    if "issue_area" in checked:
        check_issue_area(checked["issue_area"], "filter.issueArea")
    if "jurisdiction" in checked:
        ocd.check_division(checked["jurisdiction"], "filter.jurisdiction")
    return checked


class SearchQuery(graphene.ObjectType):
    search = graphene.Field(SearchResults, required=True, query=graphene.String(required=True),
                            types=graphene.List(graphene.NonNull(SearchType)), filter=SearchFilter(),
                            first=graphene.Int(default_value=20), after=graphene.String())
    suggest = graphene.List(graphene.NonNull(Suggestion), required=True, prefix=graphene.String(required=True),
                            types=graphene.List(graphene.NonNull(SearchType)),
                            limit=graphene.Int(default_value=10),
                            description="Completions for a search box, best first.")

    @staticmethod
    async def resolve_search(root, info, query, first, after=None, types=None, filter=None):
        ctx = info.context
        text = validation.text(query, "query", max_len=500)
        results = await ctx.call("search", "query", text, types=_types(types), filter=_filter(filter),
                                 first=first, after=after, caller=ctx.identity.caller)
        loaders = {"member": ctx.members, "toolkit": ctx.toolkits, "ordinance": ctx.ordinances, "ask": ctx.asks}
        edges = [e for e in results["edges"] if e["node"].get("type") in loaders]
        nodes = await join(loaders[e["node"]["type"]].load(e["node"]["id"]) for e in edges)
        # A hit whose record is gone (the index not yet caught up) is left out.
        results["edges"] = [{**edge, "node": {**node, "__typename": TYPE_NAMES[edge["node"]["type"]]}}
                            for edge, node in zip(edges, nodes) if node is not None]
        return results

    @staticmethod
    def resolve_suggest(root, info, prefix, limit, types=None):
        ctx = info.context
        text = validation.text(prefix, "prefix", max_len=100)
        if not isinstance(limit, int) or not 1 <= limit <= 20:
            raise BadInput(f"limit must be from 1 to 20, got {limit}; leave it out for 10")
        return ctx.call("search", "suggest", text, types=_types(types), limit=limit,
                        caller=ctx.identity.caller)
