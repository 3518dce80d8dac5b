"""Relay connections that map one to one onto the services' pages
({edges: [{cursor, node}], page_info: {has_next_page, end_cursor}, total_count})."""
import graphene


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


def connection(node_type, name: str):
    """The ``<name>Connection`` type (and its ``<name>Edge``) over ``node_type``."""
    edge = type(f"{name}Edge", (graphene.ObjectType,), {
        "cursor": graphene.String(required=True),
        "node": graphene.Field(node_type, required=True),
    })
    return type(f"{name}Connection", (graphene.ObjectType,), {
        "edges": graphene.List(graphene.NonNull(edge), required=True),
        "page_info": graphene.Field(PageInfo, required=True),
        "total_count": graphene.Int(required=True),
    })


def page_args(**extra):
    """The arguments every list takes: first (default 20) and after."""
    return {"first": graphene.Int(default_value=20), "after": graphene.String(), **extra}


# -- what a query selected ---------------------------------------------------------------
# The services are told what a page needs (a count, facets, highlights) so that a page
# without them neither counts nor aggregates.

def _selections(selection_set, fragments, type_name=None):
    """The fields of a selection set, fragments followed; with ``type_name`` only those of
    fragments on that type (or on no type) as well as the plain fields."""
    from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode
    for node in (selection_set.selections if selection_set else ()):
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            on = node.type_condition.name.value if node.type_condition else None
            if type_name is None or on in (None, type_name):
                yield from _selections(node.selection_set, fragments, type_name)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            fragment = fragments[node.name.value]
            if type_name is None or fragment.type_condition.name.value == type_name:
                yield from _selections(fragment.selection_set, fragments, type_name)


def selected(info, *path: str, type_name: str | None = None) -> set[str]:
    """The names of the fields selected under ``path`` (e.g. "edges", "node") of the field
    being resolved, wherever the query asks for it; ``type_name`` keeps, at the last
    level, only what is asked of that type (a union's member)."""
    levels = [field.selection_set for field in info.field_nodes]
    for name in path:
        levels = [field.selection_set for level in levels for field in _selections(level, info.fragments)
                  if field.name.value == name]
    return {field.name.value for level in levels for field in _selections(level, info.fragments, type_name)}


def counted(info) -> bool:
    """Whether the connection being resolved has its totalCount selected."""
    return "totalCount" in selected(info)
