"""The notifications service: entrypoints only. Use cases live in usecases.py, rules in
domain.py and asks.py, storage in repository.py, and the carrying of deliveries in
courier.py (intake, scheduling, channels)."""
from nameko.timer import timer

from clearinghouse.caller import Caller
from clearinghouse.consumers import event_handler
from clearinghouse.events import CATALOG, is_cloudevent
from clearinghouse.metrics import Metrics
from clearinghouse.outbox import OutboxRelay
from clearinghouse.rpc import ServiceRpc, rpc
from clearinghouse.store import Store
from clearinghouse.tracing import Tracing

from . import listserv, usecases
from .bus import Partners
from .clock import Clock
from .courier import Courier
from .inbound import inbound_mail
from .intake import ordered_event_handler
from .repository import NotificationsRepository
from .scheduling import INTERVAL

RECONCILE_INTERVAL = 300.0


def _on(source):
    # Every event of a source's exchange ('#'); requeued if the store is away, so none is
    # lost; one replica at a time takes them, in the bus's order (intake.py).
    return ordered_event_handler(source, "#")


class NotificationsService:
    name = "notifications"

    store = Store(NotificationsRepository)
    events = OutboxRelay()
    metrics = Metrics()
    tracing = Tracing()  # the request's trace, for the events and log lines this worker writes
    clock = Clock()
    courier = Courier()
    members = ServiceRpc("members")  # a deadline on every call (RPC_TIMEOUT)
    partners = Partners()  # bus subscriptions' users, queues and shovels on the broker
    toolkits = ServiceRpc("toolkits")  # the sponsors and experts an ask also reaches
    replies = listserv.Listserv()  # the reply domain, the public URL and the signing key

    # -- events in -----------------------------------------------------------------------
    @_on("members")
    def on_members_event(self, event):
        self._take(event)

    @_on("toolkits")
    def on_toolkits_event(self, event):
        self._take(event)

    @_on("notifications")
    def on_notifications_event(self, event):
        self._take(event)

    def _take(self, event):
        if is_cloudevent(event) and event["type"] in CATALOG:
            self.courier.take(event)

    @event_handler("notifications", "ask.posted")
    def email_ask(self, event):
        """Queue the ask's email to every active member who follows its issue area."""
        if not is_cloudevent(event):
            return
        mail = self.replies.mail(self.store)
        if usecases.queue_ask_emails(self.store, self.members, event["data"], self.clock.now(),
                                     also=lambda area: listserv.reached(self.members, self.toolkits, area),
                                     headers=mail.headers):
            self.courier.wake()

    # -- the listserv by email -------------------------------------------------------------
    @event_handler("notifications", "ask.answered")
    def email_answer(self, event):
        """Mail the new answer to the asker and everyone who answered before, but its author
        and those who unsubscribed from the ask."""
        if not is_cloudevent(event):
            return
        data = event["data"]
        if listserv.queue_answer_emails(self.store, self.members, self.replies.mail(self.store), data["id"],
                                        data.get("answer_count", 0), self.clock.now()):
            self.courier.wake()

    @inbound_mail
    def receive_reply(self, inbound):
        """A reply by email (SMTP_INBOUND_PORT) becomes an answer of its ask; emits
        ask.answered. Forbidden (SMTP 550) for a reply address we did not sign or a sender
        who is not the member it was sent to."""
        return listserv.take_reply(self.store, self.members, self.replies.mail(self.store), inbound,
                                   self.clock.now())

    @rpc
    def resolve_ask(self, ask_id, accepted_answer=None, toolkit_slug=None, caller=None):
        """Mark an answered ask resolved (its asker, or staff); ``accepted_answer`` is the
        place (from 0) of the answer that settled it, ``toolkit_slug`` a toolkit that shows
        it as a question and answer. Conflict while it has no answer."""
        return listserv.resolve_ask(self.store, self.toolkits, Caller.of(caller), ask_id, accepted_answer,
                                    toolkit_slug, self.clock.now())

    @rpc
    def questions_of(self, toolkit_slugs, limit=20, caller=None):
        """For each toolkit slug, in the order asked, the resolved asks it shows (newest first)."""
        return listserv.questions_of(self.store, Caller.of(caller), toolkit_slugs, limit)

    @rpc
    def unsubscribe(self, token, caller=None):
        """One-click unsubscribe (RFC 8058) from an ask's answers: ``token`` is the one in
        the email's List-Unsubscribe link. BadInput if malformed, Forbidden if forged."""
        Caller.of(caller)  # the token is the authority: anyone holding the link may use it
        return listserv.unsubscribe(self.store, self.replies.mail(self.store), token, self.clock.now())

    # -- deliveries out --------------------------------------------------------------------
    # Intake wakes a lane when it queues a delivery; these catch what comes due later
    # (retries, digests whose day has ended), one timer per lane so neither waits on the other.
    @timer(interval=INTERVAL)
    def sweep_webhooks(self):
        return self.courier.scheduler.sweep_webhooks()

    @timer(interval=INTERVAL)
    def sweep_bus(self):
        return self.courier.scheduler.sweep_bus()

    @timer(interval=INTERVAL)
    def sweep_mail(self):
        return self.courier.scheduler.sweep_mail()

    @timer(interval=RECONCILE_INTERVAL, eager=True)
    def reconcile_partners(self):
        """Make the broker's partner users, queues and shovels match the store (at start,
        then every few minutes: the broker can be rebuilt from the store)."""
        return usecases.reconcile_partners(self.store, self.partners)

    # -- subscriptions -------------------------------------------------------------------
    # Every RPC below takes ``caller`` (clearinghouse.caller; None is the public) and
    # access.py decides what it may see or do: its own subscriptions, or every one for staff.
    @rpc
    def create_subscription(self, owner_id, data, caller=None):
        """A webhook, email or bus subscription (bus: a queue of its own on the broker, read
        with the credentials returned, or shovelled to ``forward``'s broker). Its owner is the caller's member or organisation;
        staff may name any ``owner_id`` (None: staff's own). Returns {subscription, secret};
        the webhook signing secret (or the bus user's password) is shown only here ("" for
        email, which is not signed).
        BadInput for invalid fields or a URL the SSRF guard refuses; Conflict past
        MAX_SUBSCRIPTIONS per owner."""
        return usecases.create_subscription(self.store, self.courier.channels.guard, Caller.of(caller), owner_id,
                                            data, self.clock.now(), self.partners)

    @rpc
    def list_subscriptions(self, owner_id=None, caller=None):
        """The caller's subscriptions, oldest first; staff see every one, or one owner's."""
        return usecases.list_subscriptions(self.store, Caller.of(caller), owner_id, self.partners)

    @rpc
    def get_subscription(self, subscription_id, caller=None):
        return usecases.get_subscription(self.store, Caller.of(caller), subscription_id, self.partners)

    @rpc
    def rotate_secret(self, subscription_id, caller=None):
        """A new signing secret, shown once; the old one keeps signing for a day (a bus
        subscription's new password replaces the old one at once)."""
        return usecases.rotate_secret(self.store, Caller.of(caller), subscription_id, self.clock.now(),
                                      self.partners)

    @rpc
    def set_subscription_active(self, subscription_id, active, caller=None):
        """Pause or resume a subscription; resuming clears a disabled reason. Deliveries
        queued when it stops are parked (replay them after resuming)."""
        return usecases.set_subscription_active(self.store, Caller.of(caller), subscription_id, active,
                                                self.clock.now(), self.partners)

    @rpc
    def delete_subscription(self, subscription_id, caller=None):
        """Delete a subscription; its deliveries are kept, queued ones parked."""
        return usecases.delete_subscription(self.store, Caller.of(caller), subscription_id, self.partners)

    @rpc
    def list_deliveries(self, subscription_id, status=None, first=20, after=None, caller=None, count=True):
        """A page of a subscription's deliveries, newest first; status filters
        (pending, retrying, succeeded, parked). A cursor not given by this list is BadInput."""
        return usecases.list_deliveries(self.store, Caller.of(caller), subscription_id, status, first, after, count)

    @rpc
    def replay_deliveries(self, subscription_id, since, caller=None):
        """Queue again every delivery since ``since`` (ISO 8601) that succeeded or was
        parked; they go out in event order. Returns how many were queued. Conflict if the
        subscription is disabled."""
        queued = usecases.replay_deliveries(self.store, Caller.of(caller), subscription_id, since, self.clock.now())
        self.courier.wake()
        return queued

    # -- asks ------------------------------------------------------------------------------
    @rpc
    def post_ask(self, author_id, data, caller=None):
        """A member asks the network (issue_area, subject: one line, body). The author is
        the calling member (staff may name one). Emits ask.posted; the members who follow
        the issue area get it by email. BadInput if the author is not a member."""
        return usecases.post_ask(self.store, self.members, Caller.of(caller), author_id, data, self.clock.now())

    @rpc
    def answer_ask(self, ask_id, author_id, body, caller=None):
        """Keep an answer with the ask (as post_ask, the author is the calling member).
        Emits ask.answered. Conflict once the ask has MAX_ANSWERS."""
        return usecases.answer_ask(self.store, self.members, Caller.of(caller), ask_id, author_id, body,
                                   self.clock.now())

    @rpc
    def get_ask(self, ask_id, caller=None):
        return usecases.get_ask(self.store, Caller.of(caller), ask_id)

    @rpc
    def get_asks(self, ask_ids, caller=None):
        """Asks by id, in the order asked, None where there is none."""
        return usecases.get_asks(self.store, Caller.of(caller), ask_ids)

    @rpc
    def list_asks(self, issue_area=None, first=20, after=None, caller=None, count=True):
        """A page of asks, newest first, optionally on one issue area (total_count None
        with ``count`` false)."""
        return usecases.list_asks(self.store, Caller.of(caller), issue_area, first, after, count)
