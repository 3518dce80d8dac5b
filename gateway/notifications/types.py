"""The notifications service's object types, connections and inputs."""
import graphene

from clearinghouse import paging
from clearinghouse.errors import BadInput

from ..connections import connection, page_args
from ..feeds import feed_path
from ..members.loaders import MembersById
from ..members.types import Member
from ..scalars import DateTime

MAX_ANSWERS = 200  # notifications keeps at most this many answers per ask


class BusAccess(graphene.ObjectType):
    """Where a bus subscription's events are read: the partner's own queue on our broker,
    with the username and the password shown once at creation (or rotation)."""
    host = graphene.String(required=True)
    port = graphene.Int(required=True)
    vhost = graphene.String(required=True)
    username = graphene.String(required=True)
    queue = graphene.String(required=True)
    dead_letter_queue = graphene.String(required=True, description="what overflowed the queue's length limit")


class BusForward(graphene.ObjectType):
    """The partner's broker a bus subscription's queue is shovelled to (never its credentials)."""
    host = graphene.String()
    exchange = graphene.String(required=True)


class EventSubscription(graphene.ObjectType):
    id = graphene.ID(required=True)
    channel = graphene.String(required=True, description="webhook | email | bus")
    url = graphene.String()
    email = graphene.String()
    event_types = graphene.List(graphene.NonNull(graphene.String), required=True)
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True)
    states = graphene.List(graphene.NonNull(graphene.String), required=True)
    legal_theories = graphene.List(graphene.NonNull(graphene.String), required=True,
                                   description="court rulings (case.ruled) resting on these legal theories only")
    sponsored = graphene.Boolean(required=True, description="only events about ordinances the member sponsors")
    mode = graphene.String(required=True, description="realtime | daily_digest")
    active = graphene.Boolean(required=True)
    disabled_reason = graphene.String()
    created_at = DateTime(required=True)
    bus = graphene.Field(BusAccess, description="bus subscriptions: where to read the events")
    forward = graphene.Field(BusForward, description="bus subscriptions: the broker they are shovelled to")


class CreatedEventSubscription(graphene.ObjectType):
    subscription = graphene.Field(EventSubscription, required=True)
    secret = graphene.String(required=True,
                             description="the webhook signing secret or the bus user's password, shown once")


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
    return MembersById.of(info.context).load(author_id) if author_id else None


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
    resolved_at = DateTime(description="when its asker marked it resolved; null while open")
    accepted_answer = graphene.Field(Answer, description="the answer that settled it, if its asker named one")
    toolkit = graphene.Field(lambda: _toolkit_type(), description="the toolkit that shows it as a question and answer")
    feed_url = graphene.String(required=True, description="the Atom feed of asks on its issue area (member keys)")

    resolve_author = staticmethod(_author)

    @staticmethod
    def resolve_accepted_answer(ask, info):
        place, answers = ask.get("accepted_answer"), ask.get("answers") or []
        return answers[place] if isinstance(place, int) and 0 <= place < len(answers) else None

    @staticmethod
    def resolve_toolkit(ask, info):
        from ..toolkits.loaders import ToolkitsBySlug
        slug = ask.get("toolkit_slug")
        return ToolkitsBySlug.of(info.context).load(slug) if slug else None

    @staticmethod
    def resolve_feed_url(ask, info):
        return feed_path("asks.atom", issueArea=ask["issue_area"])

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


def _toolkit_type():
    from ..toolkits.types import Toolkit  # toolkits' types name Ask too (Toolkit.questions)
    return Toolkit


DeliveryConnection = connection(Delivery, "Delivery")
AskConnection = connection(Ask, "Ask")


class BusForwardInput(graphene.InputObjectType):
    uri = graphene.String(required=True, description="amqps://user:password@host/vhost of your broker")
    exchange = graphene.String(required=True)


class EventSubscriptionInput(graphene.InputObjectType):
    channel = graphene.String(required=True, description="webhook | email | bus")
    url = graphene.String()
    email = graphene.String()
    event_types = graphene.List(graphene.NonNull(graphene.String))
    issue_areas = graphene.List(graphene.NonNull(graphene.String))
    states = graphene.List(graphene.NonNull(graphene.String))
    legal_theories = graphene.List(graphene.NonNull(graphene.String))
    sponsored = graphene.Boolean(description="a member's: only events about ordinances they sponsor (or that a "
                                             "ruling or a bill would affect)")
    mode = graphene.String()
    forward = graphene.Field(BusForwardInput, description="bus only: shovel the queue to your broker")


class AskInput(graphene.InputObjectType):
    issue_area = graphene.String(required=True)
    subject = graphene.String(required=True)
    body = graphene.String(required=True)
