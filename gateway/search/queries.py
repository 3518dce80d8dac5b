"""The search service's part of Query. search checks the text, the types and the filter,
and decides which types this caller may see."""
import graphene

from clearinghouse import validation
from clearinghouse.errors import BadInput

from ..connections import selected
from ..inputs import drop_none, enum_value
from .loaders import load_hits, needs_owner
from .types import SearchFilter, SearchResults, SearchType, Suggestion


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
        # search takes an empty text (match everything); this field asks for one
        text = validation.text(query, "query", max_len=500)
        asked = selected(info)
        results = await ctx.call("search", "query", text, types=enum_value(types) or None,
                                 filter=drop_none(filter or {}), first=first, after=after, caller=ctx.caller,
                                 count="totalCount" in asked, facets="facets" in asked,
                                 highlights="highlights" in selected(info, "edges"))
        results["edges"] = await load_hits(ctx, results["edges"], needs_owner(info))
        return results

    @staticmethod
    def resolve_suggest(root, info, prefix, limit, types=None):
        # Kept for its wording, which clients are told (tests/e2e/test_search_e2e.py);
        # search's own check says "limit must be a whole number from 1 to 20".
        if not isinstance(limit, int) or not 1 <= limit <= 20:
            raise BadInput(f"limit must be from 1 to 20, got {limit}; leave it out for 10")
        ctx = info.context
        return ctx.call("search", "suggest", prefix, types=enum_value(types) or None, limit=limit, caller=ctx.caller)
