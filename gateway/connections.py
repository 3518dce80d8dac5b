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
