"""Search hits as their owners' current records, with the owners' loaders: one batch per
type, alongside the request's other loads."""
from ..loaders import join
from ..members.loaders import MembersById
from ..notifications.loaders import AsksById
from ..toolkits.loaders import OrdinancesById, ToolkitsBySlug

LOADERS = {"member": MembersById, "toolkit": ToolkitsBySlug, "ordinance": OrdinancesById, "ask": AsksById}
TYPE_NAMES = {"member": "Member", "toolkit": "Toolkit", "ordinance": "Ordinance", "ask": "Ask"}


async def load_hits(ctx, edges: list) -> list:
    """``edges`` with each node the owner's record, marked with its GraphQL type. A hit
    whose record is gone (the index not yet caught up) is left out."""
    edges = [e for e in edges if e["node"].get("type") in LOADERS]
    nodes = await join(LOADERS[e["node"]["type"]].of(ctx).load(e["node"]["id"]) for e in edges)
    return [{**edge, "node": {**node, "__typename": TYPE_NAMES[edge["node"]["type"]]}}
            for edge, node in zip(edges, nodes) if node is not None]
