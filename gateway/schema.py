"""The GraphQL schema (../shared/schema.graphql, with a few additions), assembled from
one package per service: each holds its types, queries, mutations and loaders."""
import graphene

from .members.mutations import MembersMutation
from .members.queries import MembersQuery
from .notifications.mutations import NotificationsMutation
from .notifications.queries import NotificationsQuery
from .search.queries import SearchQuery
from .subscriptions import Subscription
from .toolkits.mutations import ToolkitsMutation
from .toolkits.queries import ToolkitsQuery


class Query(MembersQuery, ToolkitsQuery, SearchQuery, NotificationsQuery, graphene.ObjectType):
    pass


class Mutation(MembersMutation, ToolkitsMutation, NotificationsMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, subscription=Subscription)
