"""The notifications service: entrypoints only. Rules live in domain.py and asks.py,
storage in repository.py, the carrying of deliveries in courier.py (intake, scheduling, channels)."""
from nameko.events import event_handler
from nameko.timer import timer

from clearinghouse import validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import NotFound
from clearinghouse.events import CATALOG, is_cloudevent
from clearinghouse.issue_areas import check_issue_area
from clearinghouse.metrics import Metrics
from clearinghouse.outbox import OutboxRelay
from clearinghouse.paging import check_first
from clearinghouse.rpc import ServiceRpc, rpc
from clearinghouse.store import Store

from . import access, asks, domain, signing
from .clock import Clock
from .courier import Courier
from .repository import NotificationsRepository
from .scheduling import INTERVAL

MEMBERS_PAGE = 100
STAFF = {"role": "staff"}  # the followers' emails are private: notifications reads them as staff


def _on(source):
    # Every event of a source's exchange ('#'); requeued if the store is away, so none is lost.
    return event_handler(source, "#", reliable_delivery=True, requeue_on_error=True)


class NotificationsService:
    name = "notifications"

    store = Store(NotificationsRepository)
    events = OutboxRelay()
    metrics = Metrics()
    clock = Clock()
    courier = Courier()
    members = ServiceRpc("members")  # a deadline on every call (RPC_TIMEOUT)

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

    @event_handler("notifications", "ask.posted", reliable_delivery=True, requeue_on_error=True)
    def email_ask(self, event):
        """Queue the ask's email to every active member who follows its issue area."""
        if not is_cloudevent(event):
            return
        try:
            ask = self.store.ask(event["data"]["id"])
        except NotFound:  # not ours (another deployment on this bus): nothing to send
            return
        author = self._members("get_members", [ask["author_id"]])[0]
        records = asks.ask_emails(ask, author and author["name"], self._followers(ask["issue_area"]),
                                  self.clock.now())
        if self.store.insert_ask_emails(records):
            self.courier.wake()

    # -- deliveries out --------------------------------------------------------------------
    # Intake wakes a lane when it queues a delivery; these catch what comes due later
    # (retries, digests whose day has ended), one timer per lane so neither waits on the other.
    @timer(interval=INTERVAL)
    def sweep_webhooks(self):
        self.courier.scheduler.sweep_webhooks()

    @timer(interval=INTERVAL)
    def sweep_mail(self):
        self.courier.scheduler.sweep_mail()

    # -- subscriptions -------------------------------------------------------------------
    # Every RPC below takes ``caller`` (clearinghouse.caller; None is the public) and
    # access.py decides what it may see or do: its own subscriptions, or every one for staff.
    @rpc
    def create_subscription(self, owner_id, data, caller=None):
        """A webhook or email subscription. Its owner is the caller's member or organisation;
        staff may name any ``owner_id`` (None: staff's own). Returns {subscription, secret};
        the webhook signing secret is shown only here ("" for email, which is not signed).
        BadInput for invalid fields or a URL the SSRF guard refuses; Conflict past
        MAX_SUBSCRIPTIONS per owner."""
        caller = Caller.of(caller)
        owner_id = access.new_subscription_owner(caller, domain.check_owner(owner_id, required=False))
        fields = domain.check_subscription(data)
        domain.check_room_for_one_more(owner_id, self.store.count_subscriptions(owner_id))
        secret = ""
        if fields["channel"] == "webhook":
            self.courier.channels.guard.addresses(fields["url"])
            secret = signing.new_secret()
        doc = self.store.insert_subscription(domain.new_subscription(owner_id, fields, secret, self.clock.now()))
        return {"subscription": domain.subscription_view(doc), "secret": secret}

    @rpc
    def list_subscriptions(self, owner_id=None, caller=None):
        """The caller's subscriptions, oldest first; staff see every one, or one owner's."""
        caller = Caller.of(caller)
        filtered, owner_id = access.subscriptions_owner(caller, domain.check_owner(owner_id, required=False))
        return [domain.subscription_view(d) for d in self.store.subscriptions(filtered, owner_id)]

    @rpc
    def get_subscription(self, subscription_id, caller=None):
        return domain.subscription_view(self._subscription(subscription_id, caller, "eventSubscription"))

    @rpc
    def rotate_secret(self, subscription_id, caller=None):
        """A new signing secret, shown once; the old one keeps signing for a day."""
        doc = self._subscription(subscription_id, caller, "rotateSubscriptionSecret")
        secret = signing.new_secret()
        new = self.store.save_subscription(domain.rotate(doc, secret, self.clock.now()), doc)
        return {"subscription": domain.subscription_view(new), "secret": secret}

    @rpc
    def set_subscription_active(self, subscription_id, active, caller=None):
        """Pause or resume a subscription; resuming clears a disabled reason. Deliveries
        queued when it stops are parked (replay them after resuming)."""
        doc = self._subscription(subscription_id, caller, "setEventSubscriptionActive")
        new = self.store.save_subscription(domain.set_active(doc, active, self.clock.now(), "paused by its owner"), doc)
        if not new["active"]:
            self.store.park_queued(subscription_id, "subscription paused by its owner")
        return domain.subscription_view(new)

    @rpc
    def delete_subscription(self, subscription_id, caller=None):
        """Delete a subscription; its deliveries are kept, queued ones parked."""
        self._subscription(subscription_id, caller, "deleteEventSubscription")
        self.store.delete_subscription(subscription_id)
        self.store.park_queued(subscription_id, "subscription deleted")
        return True

    @rpc
    def list_deliveries(self, subscription_id, status=None, first=20, after=None, caller=None):
        """A page of a subscription's deliveries, newest first; status filters
        (pending, retrying, succeeded, parked). A cursor not given by this list is BadInput."""
        self._subscription(subscription_id, caller, "deliveries")
        status = v.choice(status.lower() if isinstance(status, str) else status, "status", domain.STATUSES,
                          required=False)
        page = self.store.page_deliveries(subscription_id, status, check_first(first), after)
        for edge in page["edges"]:
            edge["node"] = domain.delivery_view(edge["node"])
        return page

    @rpc
    def replay_deliveries(self, subscription_id, since, caller=None):
        """Queue again every delivery since ``since`` (ISO 8601) that succeeded or was
        parked; they go out in event order. Returns how many were queued. Conflict if the
        subscription is disabled."""
        doc = self._subscription(subscription_id, caller, "replayDeliveries")
        since_ts = v.datetime(since, "since").timestamp()
        domain.check_replayable(doc)
        queued = self.store.replay(subscription_id, since_ts, self.clock.now())
        self.courier.wake()
        return queued

    def _subscription(self, subscription_id, caller, action):
        caller = Caller.of(caller)
        v.identifier(subscription_id, "subscription_id", "sub")
        return access.subscription(caller, self.store.subscription(subscription_id), subscription_id, action)

    # -- asks ------------------------------------------------------------------------------
    @rpc
    def post_ask(self, author_id, data, caller=None):
        """A member asks the network (issue_area, subject: one line, body). The author is
        the calling member (staff may name one). Emits ask.posted; the members who follow
        the issue area get it by email. BadInput if the author is not a member."""
        caller = Caller.of(caller)
        author_id = access.ask_author(caller, author_id, "postAsk")
        author_id = asks.check_member_id(author_id, "author_id")
        fields = asks.check_ask(data)
        self._check_member(author_id)
        doc, events = asks.new_ask(author_id, fields, self.clock.now())
        return asks.ask_view(self.store.insert_ask(doc, events))

    @rpc
    def answer_ask(self, ask_id, author_id, body, caller=None):
        """Keep an answer with the ask (as post_ask, the author is the calling member).
        Emits ask.answered. Conflict once the ask has MAX_ANSWERS."""
        caller = Caller.of(caller)
        v.identifier(ask_id, "ask_id", "ask")
        author_id = asks.check_member_id(access.ask_author(caller, author_id, "answerAsk"), "author_id")
        body = asks.check_body(body)
        self._check_member(author_id)
        return asks.ask_view(self.store.modify_ask(ask_id, lambda d: asks.answer(d, author_id, body, self.clock.now())))

    @rpc
    def get_ask(self, ask_id, caller=None):
        access.read_asks(Caller.of(caller), "ask")
        v.identifier(ask_id, "ask_id", "ask")
        return asks.ask_view(self.store.ask(ask_id))

    @rpc
    def get_asks(self, ask_ids, caller=None):
        """Asks by id, in the order asked, None where there is none."""
        access.read_asks(Caller.of(caller), "asks")
        ids = asks.check_ask_ids(ask_ids)
        found = self.store.asks(ids)
        return [asks.ask_view(found.get(i)) for i in ids]

    @rpc
    def list_asks(self, issue_area=None, first=20, after=None, caller=None):
        """A page of asks, newest first, optionally on one issue area."""
        access.read_asks(Caller.of(caller), "asks")
        if issue_area is not None:
            check_issue_area(issue_area, "issue_area")
        page = self.store.page_asks(issue_area, check_first(first), after)
        for edge in page["edges"]:
            edge["node"] = asks.ask_view(edge["node"])
        return page

    def _check_member(self, member_id):
        try:
            self._members("get_member", member_id)
        except NotFound:
            asks.refuse_unknown_author(member_id)

    def _followers(self, issue_area):
        """Every active member who follows ``issue_area``, page by page (staff sees emails)."""
        followers, after = [], None
        while True:
            page = self._members("list_members", filter={"issue_area": issue_area, "status": "active"},
                                 first=MEMBERS_PAGE, after=after, caller={"role": "staff"})
            followers += [edge["node"] for edge in page["edges"]]
            if not page["page_info"]["has_next_page"]:
                return followers
            after = page["page_info"]["end_cursor"]

    def _members(self, method, *args, **kwargs):
        return getattr(self.members, method)(*args, **kwargs)
