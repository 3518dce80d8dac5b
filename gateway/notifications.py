"""Event subscriptions, deliveries and network asks: the notifications service's part.

Every call for a non-staff caller carries ``owner_id``, so a partner sees and manages only
its own subscriptions and deliveries; notifications enforces it (NotFound for others')."""
import graphene

from clearinghouse import validation
from clearinghouse.issue_areas import check_issue_area

from .auth import require
from .members import Member
from .relay import connection, drop_none, page_args
from .scalars import DateTime

SUBSCRIBERS = ("partner", "member", "staff")
ASK_READERS = ("member", "partner", "staff")
ASKERS = ("member", "staff")


class EventSubscription(graphene.ObjectType):
    id = graphene.ID(required=True)
    channel = graphene.String(required=True, description="webhook | email")
    url = graphene.String()
    email = graphene.String()
    event_types = graphene.List(graphene.NonNull(graphene.String), required=True)
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True)
    states = graphene.List(graphene.NonNull(graphene.String), required=True)
    mode = graphene.String(required=True, description="realtime | daily_digest")
    active = graphene.Boolean(required=True)
    disabled_reason = graphene.String()
    created_at = DateTime(required=True)


class CreatedEventSubscription(graphene.ObjectType):
    subscription = graphene.Field(EventSubscription, required=True)
    secret = graphene.String(required=True, description="the signing secret, shown once")


class DeliveryStatus(graphene.Enum):
    PENDING = "pending"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    PARKED = "parked"


class Delivery(graphene.ObjectType):
    id = graphene.ID(required=True)
    event_id = graphene.ID(required=True)
    event_type = graphene.String(required=True)
    status = graphene.String(required=True, description="pending | retrying | succeeded | parked")
    attempts = graphene.Int(required=True)
    last_attempt_at = DateTime()
    next_attempt_at = DateTime()
    last_status_code = graphene.Int()
    last_error = graphene.String()


def _author(record, info):
    author_id = record.get("author_id")
    return info.context.members.load(author_id) if author_id else None


class Answer(graphene.ObjectType):
    author = graphene.Field(Member)
    body = graphene.String(required=True)
    posted_at = DateTime(required=True)

    resolve_author = staticmethod(_author)


class Ask(graphene.ObjectType):
    id = graphene.ID(required=True)
    issue_area = graphene.String(required=True)
    subject = graphene.String(required=True)
    body = graphene.String(required=True)
    author = graphene.Field(Member)
    answers = graphene.List(graphene.NonNull(Answer), required=True)
    posted_at = DateTime(required=True)

    resolve_author = staticmethod(_author)

    @staticmethod
    def resolve_answers(ask, info):
        return ask.get("answers") or []


DeliveryConnection = connection(Delivery, "Delivery")
AskConnection = connection(Ask, "Ask")


class EventSubscriptionInput(graphene.InputObjectType):
    channel = graphene.String(required=True)
    url = graphene.String()
    email = graphene.String()
    event_types = graphene.List(graphene.NonNull(graphene.String))
    issue_areas = graphene.List(graphene.NonNull(graphene.String))
    states = graphene.List(graphene.NonNull(graphene.String))
    mode = graphene.String()


class AskInput(graphene.InputObjectType):
    issue_area = graphene.String(required=True)
    subject = graphene.String(required=True)
    body = graphene.String(required=True)


def _subscription_id(value, field="id"):
    return validation.identifier(value, field, "sub")


def _subscriber(info, action):
    """The request's context and the owner_id to pass for a caller who may manage
    subscriptions (None for staff: every owner's)."""
    ctx = info.context
    require(ctx.identity, SUBSCRIBERS, action)
    return ctx, ctx.identity.scope(action)


class NotificationsQuery(graphene.ObjectType):
    event_subscriptions = graphene.List(graphene.NonNull(EventSubscription), required=True,
                                        description="The viewer's own subscriptions (STAFF sees all).")
    deliveries = graphene.Field(DeliveryConnection, required=True,
                                **page_args(subscription_id=graphene.ID(required=True), status=DeliveryStatus()))
    asks = graphene.Field(AskConnection, required=True, **page_args(issue_area=graphene.String()))
    ask = graphene.Field(Ask, id=graphene.ID(required=True))

    @staticmethod
    def resolve_event_subscriptions(root, info):
        ctx, scope = _subscriber(info, "eventSubscriptions")
        return ctx.call("notifications", "list_subscriptions", owner_id=scope)

    @staticmethod
    def resolve_deliveries(root, info, subscription_id, first, after=None, status=None):
        ctx, scope = _subscriber(info, "deliveries")
        return ctx.call("notifications", "list_deliveries", _subscription_id(subscription_id, "subscriptionId"),
                        status=getattr(status, "value", status), first=first, after=after, owner_id=scope)

    @staticmethod
    def resolve_asks(root, info, first, after=None, issue_area=None):
        ctx = info.context
        require(ctx.identity, ASK_READERS, "asks")
        if issue_area is not None:
            check_issue_area(issue_area)
        return ctx.call("notifications", "list_asks", issue_area=issue_area, first=first, after=after)

    @staticmethod
    def resolve_ask(root, info, id):
        ctx = info.context
        require(ctx.identity, ASK_READERS, "ask")
        return ctx.asks.load(validation.identifier(id, "id", "ask"))


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

    @staticmethod
    def resolve_create_event_subscription(root, info, input):
        ctx = info.context
        require(ctx.identity, SUBSCRIBERS, "createEventSubscription")
        owner = ctx.identity.subscriber("createEventSubscription")
        return ctx.call("notifications", "create_subscription", owner, drop_none(input))

    @staticmethod
    def resolve_rotate_subscription_secret(root, info, id):
        ctx, scope = _subscriber(info, "rotateSubscriptionSecret")
        return ctx.call("notifications", "rotate_secret", _subscription_id(id), owner_id=scope)

    @staticmethod
    def resolve_set_event_subscription_active(root, info, id, active):
        ctx, scope = _subscriber(info, "setEventSubscriptionActive")
        return ctx.call("notifications", "set_subscription_active", _subscription_id(id), active, owner_id=scope)

    @staticmethod
    def resolve_delete_event_subscription(root, info, id):
        ctx, scope = _subscriber(info, "deleteEventSubscription")
        return ctx.call("notifications", "delete_subscription", _subscription_id(id), owner_id=scope)

    @staticmethod
    def resolve_replay_deliveries(root, info, subscription_id, since):
        ctx, scope = _subscriber(info, "replayDeliveries")
        return ctx.call("notifications", "replay_deliveries", _subscription_id(subscription_id, "subscriptionId"),
                        since, owner_id=scope)

    @staticmethod
    def resolve_post_ask(root, info, input):
        ctx = info.context
        require(ctx.identity, ASKERS, "postAsk")
        return ctx.call("notifications", "post_ask", ctx.identity.owner("postAsk"), drop_none(input))

    @staticmethod
    def resolve_answer_ask(root, info, ask_id, body):
        ctx = info.context
        require(ctx.identity, ASKERS, "answerAsk")
        return ctx.call("notifications", "answer_ask", validation.identifier(ask_id, "askId", "ask"),
                        ctx.identity.owner("answerAsk"), body)
