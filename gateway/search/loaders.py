"""Search hits from the index: each hit carries its owner's public view as search indexed
it, which answers the fields it holds. Only a type whose selection asks for more (an
ordinance's actions, a member's contact details, which their owner decides on) is read
from its owner, with the owners' loaders: one batch per type, alongside the request's
other loads."""
from ..connections import selected
from ..loaders import join
from ..members.loaders import MembersById
from ..notifications.loaders import AsksById
from ..toolkits.loaders import OrdinancesById, ToolkitsBySlug

LOADERS = {"member": MembersById, "toolkit": ToolkitsBySlug, "ordinance": OrdinancesById, "ask": AsksById}
TYPE_NAMES = {"member": "Member", "toolkit": "Toolkit", "ordinance": "Ordinance", "ask": "Ask"}
# The GraphQL fields each type's indexed view answers (services/search/index.py's nodes;
# a field resolved from an id the node holds, such as an ordinance's sponsors, too).
INDEXED = {
    "Member": {"id", "name", "givenName", "familyName", "pronouns", "bio", "status", "joinedOn", "issueAreas",
               "offices", "sponsored", "version"},
    "Toolkit": {"slug", "title", "issueArea", "summary", "status", "version", "ordinances"},
    "Ordinance": {"id", "title", "jurisdiction", "issueArea", "toolkit", "sponsors", "status", "sourceUrl",
                  "version"},
    "Ask": {"id", "issueArea", "subject", "author"},
}


def needs_owner(info) -> set[str]:
    """The types whose selected fields the index does not hold."""
    return {kind for kind, name in TYPE_NAMES.items()
            if selected(info, "edges", "node", type_name=name) - INDEXED[name] - {"__typename"}}


async def load_hits(ctx, edges: list, fetch: set[str] = frozenset(TYPE_NAMES)) -> list:
    """``edges`` with each node marked with its GraphQL type: the indexed view, or for the
    types in ``fetch`` the owner's record (a hit whose record is gone is left out)."""
    edges = [e for e in edges if e["node"].get("type") in LOADERS]
    owned = [e for e in edges if e["node"]["type"] in fetch]
    records = await join(LOADERS[e["node"]["type"]].of(ctx).load(e["node"]["id"]) for e in owned)
    fetched = {id(e): node for e, node in zip(owned, records)}
    out = []
    for edge in edges:
        node = fetched.get(id(edge), edge["node"]) if edge["node"]["type"] in fetch else edge["node"]
        if node is not None:
            out.append({**edge, "node": {**node, "__typename": TYPE_NAMES[edge["node"]["type"]]}})
    return out
