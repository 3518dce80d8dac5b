"""The notifications service's part of Mutation."""
import graphene

from ..inputs import drop_none
from ..scalars import DateTime
from .types import Ask, AskInput, CreatedEventSubscription, EventSubscription, EventSubscriptionInput


class NotificationsMutation(graphene.ObjectType):
    create_event_subscription = graphene.Field(CreatedEventSubscription, required=True,
                                               input=EventSubscriptionInput(required=True))
    rotate_subscription_secret = graphene.Field(CreatedEventSubscription, required=True, id=graphene.ID(required=True))
    set_event_subscription_active = graphene.Field(EventSubscription, required=True, id=graphene.ID(required=True),
                                                   active=graphene.Boolean(required=True))
    delete_event_subscription = graphene.Boolean(required=True, id=graphene.ID(required=True))
    replay_deliveries = graphene.Int(required=True, subscription_id=graphene.ID(required=True),
                                     since=DateTime(required=True), description="deliveries queued")
    post_ask = graphene.Field(Ask, required=True, input=AskInput(required=True))
    answer_ask = graphene.Field(Ask, required=True, ask_id=graphene.ID(required=True),
                                body=graphene.String(required=True))
    resolve_ask = graphene.Field(Ask, required=True, ask_id=graphene.ID(required=True),
                                 accepted_answer=graphene.Int(description="the settling answer's place, from 0"),
                                 toolkit_slug=graphene.String(description="a toolkit to show it as a Q&A"),
                                 description="Mark an answered ask resolved (its asker, or staff).")

    # The owner (None) is the caller's own: notifications takes it from the caller.
    @staticmethod
    def resolve_create_event_subscription(root, info, input):
        ctx = info.context
        return ctx.call("notifications", "create_subscription", None, drop_none(input), caller=ctx.caller)

    @staticmethod
    def resolve_rotate_subscription_secret(root, info, id):
        ctx = info.context
        return ctx.call("notifications", "rotate_secret", id, caller=ctx.caller)

    @staticmethod
    def resolve_set_event_subscription_active(root, info, id, active):
        ctx = info.context
        return ctx.call("notifications", "set_subscription_active", id, active, caller=ctx.caller)

    @staticmethod
    def resolve_delete_event_subscription(root, info, id):
        ctx = info.context
        return ctx.call("notifications", "delete_subscription", id, caller=ctx.caller)

    @staticmethod
    def resolve_replay_deliveries(root, info, subscription_id, since):
        ctx = info.context
        return ctx.call("notifications", "replay_deliveries", subscription_id, since, caller=ctx.caller)

    @staticmethod
    def resolve_post_ask(root, info, input):
        ctx = info.context
        return ctx.call("notifications", "post_ask", None, drop_none(input), caller=ctx.caller)

    @staticmethod
    def resolve_answer_ask(root, info, ask_id, body):
        ctx = info.context
        return ctx.call("notifications", "answer_ask", ask_id, None, body, caller=ctx.caller)

    @staticmethod
    def resolve_resolve_ask(root, info, ask_id, accepted_answer=None, toolkit_slug=None):
        ctx = info.context
        return ctx.call("notifications", "resolve_ask", ask_id, accepted_answer, toolkit_slug, caller=ctx.caller)
