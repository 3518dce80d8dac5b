"""Event subscriptions, deliveries and network asks: the notifications service's part.

Every call passes the caller through; notifications decides what it may see or do (a
partner sees and manages only its own subscriptions, NotFound for others'; asks are for
members, partners and staff). The gateway keeps no rule of its own here."""
import graphene

from clearinghouse import paging
from clearinghouse.errors import BadInput

from .members import Member
from .relay import connection, drop_none, page_args
from .scalars import DateTime

MAX_ANSWERS = 200  # notifications keeps at most this many answers per ask


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


AnswerConnection = connection(Answer, "Answer")


def answers_page(answers: list, first: int, after) -> dict:
    """A page of an ask's answers, oldest first; a cursor is an answer's place."""
    position = paging.decode(after, kind="answers", types=(int,))
    start = 0 if position is None else max(position[0] + 1, 0)
    rows = list(enumerate(answers[start:start + first + 1], start))
    page = paging.page(rows, first, len(answers), lambda row: [row[0]], kind="answers")
    for edge in page["edges"]:
        edge["node"] = edge["node"][1]
    return page


class Ask(graphene.ObjectType):
    id = graphene.ID(required=True)
    issue_area = graphene.String(required=True)
    subject = graphene.String(required=True)
    body = graphene.String(required=True)
    author = graphene.Field(Member)
    answers = graphene.List(graphene.NonNull(Answer), required=True,
                            first=graphene.Int(default_value=MAX_ANSWERS),
                            description=f"The first answers, oldest first (an ask keeps at most {MAX_ANSWERS}).")
    answer_connection = graphene.Field(AnswerConnection, required=True, **page_args(),
                                       description="The answers as a connection, oldest first, to page through.")
    posted_at = DateTime(required=True)

    resolve_author = staticmethod(_author)

    @staticmethod
    def resolve_answers(ask, info, first):
        # The contract's plain list, kept for existing clients; bounded by the per-ask cap.
        if not isinstance(first, int) or not 0 <= first <= MAX_ANSWERS:
            raise BadInput(f"first must be from 0 to {MAX_ANSWERS}, got {first}; "
                           "page with answerConnection(first:, after:) instead")
        return (ask.get("answers") or [])[:first]

    @staticmethod
    def resolve_answer_connection(ask, info, first, after=None):
        return answers_page(ask.get("answers") or [], paging.check_first(first), after)


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
        return ctx.call("notifications", "list_subscriptions", caller=ctx.identity.caller)

    @staticmethod
    def resolve_deliveries(root, info, subscription_id, first, after=None, status=None):
        ctx = info.context
        return ctx.call("notifications", "list_deliveries", subscription_id, status=getattr(status, "value", status),
                        first=first, after=after, caller=ctx.identity.caller)

    @staticmethod
    def resolve_asks(root, info, first, after=None, issue_area=None):
        ctx = info.context
        return ctx.call("notifications", "list_asks", issue_area=issue_area, first=first, after=after,
                        caller=ctx.identity.caller)

    @staticmethod
    def resolve_ask(root, info, id):
        ctx = info.context
        return ctx.call("notifications", "get_asks", [id], caller=ctx.identity.caller).then(lambda found: found[0])


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
        return ctx.call("notifications", "create_subscription", None, drop_none(input), caller=ctx.identity.caller)

    @staticmethod
    def resolve_rotate_subscription_secret(root, info, id):
        ctx = info.context
        return ctx.call("notifications", "rotate_secret", id, caller=ctx.identity.caller)

    @staticmethod
    def resolve_set_event_subscription_active(root, info, id, active):
        ctx = info.context
        return ctx.call("notifications", "set_subscription_active", id, active, caller=ctx.identity.caller)

    @staticmethod
    def resolve_delete_event_subscription(root, info, id):
        ctx = info.context
        return ctx.call("notifications", "delete_subscription", id, caller=ctx.identity.caller)

    @staticmethod
    def resolve_replay_deliveries(root, info, subscription_id, since):
        ctx = info.context
        return ctx.call("notifications", "replay_deliveries", subscription_id, since, caller=ctx.identity.caller)

    @staticmethod
    def resolve_post_ask(root, info, input):
        ctx = info.context
        return ctx.call("notifications", "post_ask", None, drop_none(input), caller=ctx.identity.caller)

    @staticmethod
    def resolve_answer_ask(root, info, ask_id, body):
        ctx = info.context
        return ctx.call("notifications", "answer_ask", ask_id, None, body, caller=ctx.identity.caller)
