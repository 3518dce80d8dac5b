"""The search service's part of Query. search decides which types this caller may see."""
import graphene

from clearinghouse import ocd, validation
from clearinghouse.errors import BadInput
from clearinghouse.issue_areas import check_issue_area

from ..inputs import drop_none, enum_value
from .loaders import load_hits
from .types import SearchFilter, SearchResults, SearchType, Suggestion


def _filter(filter) -> dict:
    checked = drop_none(filter or {})
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
        # search takes an empty text (match everything); this field asks for one
        text = validation.text(query, "query", max_len=500)
        results = await ctx.call("search", "query", text, types=enum_value(types) or None,
                                 filter=_filter(filter), first=first, after=after, caller=ctx.caller)
        results["edges"] = await load_hits(ctx, results["edges"])
        return results

    @staticmethod
    def resolve_suggest(root, info, prefix, limit, types=None):
        text = validation.text(prefix, "prefix", max_len=100)
        # Kept for its wording, which clients are told (tests/e2e/test_search_e2e.py);
        # search's own check says "limit must be a whole number from 1 to 20".
        if not isinstance(limit, int) or not 1 <= limit <= 20:
            raise BadInput(f"limit must be from 1 to 20, got {limit}; leave it out for 10")
        ctx = info.context
        return ctx.call("search", "suggest", text, types=enum_value(types) or None, limit=limit, caller=ctx.caller)
