"""The GraphQL schema (../shared/schema.graphql, with a few additions), assembled from
one module per service."""
import graphene

from .members import MembersMutation, MembersQuery
from .notifications import NotificationsMutation, NotificationsQuery
from .search import SearchQuery
from .toolkits import ToolkitsMutation, ToolkitsQuery


class Query(MembersQuery, ToolkitsQuery, SearchQuery, NotificationsQuery, graphene.ObjectType):
    pass


class Mutation(MembersMutation, ToolkitsMutation, NotificationsMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
