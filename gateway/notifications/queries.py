"""The notifications service's part of Query."""
import graphene

from ..connections import counted, page_args
from ..inputs import enum_value
from .types import Ask, AskConnection, DeliveryConnection, DeliveryStatus, EventSubscription


class NotificationsQuery(graphene.ObjectType):
    event_subscriptions = graphene.List(graphene.NonNull(EventSubscription), required=True,
                                        description="The viewer's own subscriptions (STAFF sees all).")
    deliveries = graphene.Field(DeliveryConnection, required=True,
                                **page_args(subscription_id=graphene.ID(required=True), status=DeliveryStatus()))
    asks = graphene.Field(AskConnection, required=True, **page_args(issue_area=graphene.String()))
    ask = graphene.Field(Ask, id=graphene.ID(required=True))

    @staticmethod
    def resolve_event_subscriptions(root, info):
        ctx = info.context
        return ctx.call("notifications", "list_subscriptions", caller=ctx.caller)

    @staticmethod
    def resolve_deliveries(root, info, subscription_id, first, after=None, status=None):
        ctx = info.context
        return ctx.call("notifications", "list_deliveries", subscription_id, status=enum_value(status),
                        first=first, after=after, caller=ctx.caller, count=counted(info))

    @staticmethod
    def resolve_asks(root, info, first, after=None, issue_area=None):
        ctx = info.context
        return ctx.call("notifications", "list_asks", issue_area=issue_area, first=first, after=after,
                        caller=ctx.caller, count=counted(info))

    @staticmethod
    def resolve_ask(root, info, id):
        # not through AsksById: a malformed id fails this field alone, not a batch of search hits
        ctx = info.context
        return ctx.call("notifications", "get_asks", [id], caller=ctx.caller).then(lambda found: found[0])
