"""The event catalog and the CloudEvents 1.0 envelope every service publishes.

Events go out on the source service's topic exchange (``<service>.events``) with the
CloudEvents ``type`` as routing key. ``data.version`` is the entity's counter so that
consumers can drop duplicates and stale updates. CATALOG is the one list: the owners,
the publishing services and their exchanges below, docs/asyncapi.yaml (``clearinghouse
docs asyncapi``) and the broker's definitions (clearinghouse.broker) all derive from it.
"""
import datetime as dt
import uuid
from dataclasses import dataclass

from . import tracing

SPEC_VERSION = "1.0"
SOURCE_PREFIX = "/clearinghouse"


@dataclass(frozen=True)
class EventType:
    type: str
    service: str
    subject: str  # subject pattern, e.g. "member/<id>"
    summary: str
    data: tuple = ()  # fields data carries beyond id and version

    @property
    def entity(self) -> str:
        """What the event is about, as its subject names it: "member", "toolkit"..."""
        return self.subject.split("/")[0]

    @property
    def exchange(self) -> str:
        return exchange_of(self.service)

    @property
    def source(self) -> str:
        return f"{SOURCE_PREFIX}/{self.service}"


# What each event's data carries: the entity's public view at that version (never a
# private field: no contact details, drafts, or subscription targets and secrets), so no
# consumer needs to call back. Long text is bounded (excerpt, EXCERPT characters); the
# model ordinance and legal notes go by reference (``toolkit_version``, read whole with
# get_toolkit), an ordinance carries its latest actions and an ask its latest answers.
MEMBER = ("name", "given_name", "family_name", "pronouns", "bio", "status", "joined_on", "issue_areas",
          "offices")
ORGANIZATION = ("name", "kind", "website", "issue_areas")
TOOLKIT = ("slug", "status", "toolkit_version", "published_at", "title", "issue_area", "summary",
           "talking_points", "resources", "expert_ids", "model_ordinance", "legal_notes")
ORDINANCE = ("title", "jurisdiction", "state", "issue_area", "toolkit_slug", "sponsor_ids", "status",
             "provisions", "source_url", "notes", "action_count", "actions")
PREEMPTION = ("state", "issue_area", "scope", "statute", "year", "voids_existing_laws", "notes",
              "source_url", "history_count")
ASK = ("issue_area", "subject", "body", "author_id", "author_name", "posted_at", "answer_count", "answers")
# Names no event's data may hold at any depth (cloudevent refuses them): private fields.
PRIVATE_FIELDS = frozenset({"email", "phone", "draft", "draft_pending", "draft_version", "secret",
                            "secrets", "key_hash", "emails"})

CATALOG = {e.type: e for e in [
    EventType("member.joined", "members", "member/<id>", "A person joined the network.", MEMBER),
    EventType("member.updated", "members", "member/<id>", "A member's public profile or offices changed.", MEMBER),
    EventType("member.left", "members", "member/<id>", "A member lapsed or became an alumnus.", MEMBER),
    EventType("organization.updated", "members", "organization/<id>",
              "A partner organisation was created or changed.", ORGANIZATION),
    EventType("toolkit.published", "toolkits", "toolkit/<slug>", "A toolkit version was published.", TOOLKIT),
    EventType("toolkit.revised", "toolkits", "toolkit/<slug>",
              "A published toolkit got a new draft version (the event shows the published one).", TOOLKIT),
    EventType("toolkit.archived", "toolkits", "toolkit/<slug>", "A toolkit was archived.", TOOLKIT),
    EventType("ordinance.recorded", "toolkits", "ordinance/<id>", "An ordinance was recorded.", ORDINANCE),
    EventType("ordinance.status_changed", "toolkits", "ordinance/<id>",
              "An action changed an ordinance's status.", ("from", "to", "action") + ORDINANCE),
    EventType("ordinance.amended", "toolkits", "ordinance/<id>",
              "An ordinance was amended: its provisions (with the date they apply from) or its text changed.",
              ORDINANCE + ("date", "effective_date", "summary", "changed_provisions", "text_version",
                           "amendment_source_url")),
    EventType("case.ruled", "toolkits", "case/<slug>",
              "A court ruled in a case on local laws or a state preemption; each affected ordinance "
              "also gets the matching action.",
              ("slug", "title", "court", "docket_number", "date", "outcome", "summary", "legal_theories",
               "ordinance_action", "ordinance_ids", "sponsor_ids", "states", "issue_areas", "source_url")),
    EventType("preemption_bill.advanced", "toolkits", "preemption_bill/<state>/<session>/<bill>",
              "A pending state preemption bill moved on (passed a chamber, passed, signed...).",
              ("state", "session", "bill_id", "title", "from", "to", "action", "issue_areas",
               "would_void", "ordinance_ids", "sponsor_ids", "source_url")),
    EventType("preemption.changed", "toolkits", "preemption/<state>/<issue_area>",
              "A state's preemption of an issue area was recorded or changed.", PREEMPTION),
    EventType("ask.posted", "notifications", "ask/<id>", "A member asked the network a question.", ASK),
    EventType("ask.answered", "notifications", "ask/<id>", "An ask got an answer.", ASK + ("answer",)),
]}

# The service that owns each entity the events are about (and answers for it over RPC).
OWNERS = {e.entity: e.service for e in CATALOG.values()}
# The services that publish events, in catalog order.
PUBLISHERS = tuple(dict.fromkeys(e.service for e in CATALOG.values()))


def exchange_of(service: str) -> str:
    """The topic exchange a service's events go out on (nameko's name for it)."""
    return f"{service}.events"


EXCERPT = 1000  # characters of a long text an event carries


def excerpt(text, limit: int = EXCERPT):
    """The start of ``text`` for an event: whole if short, else cut at a word and marked."""
    if not isinstance(text, str) or len(text) <= limit:
        return text
    cut = text[:limit].rsplit(None, 1)[0] if " " in text[:limit] else text[:limit]
    return cut + " …"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cloudevent(event_type: str, subject: str, data: dict) -> dict:
    """A CloudEvent for a catalogued type; data must carry the entity's version."""
    spec = CATALOG.get(event_type)
    if spec is None:
        raise ValueError(f"{event_type!r} is not in the event catalog")
    if not isinstance(data.get("version"), int):
        raise ValueError(f"{event_type} data must carry the entity's integer version")
    private = private_fields(data)
    if private:
        raise ValueError(f"{event_type} data must not carry private fields: {', '.join(sorted(private))}")
    event = {
        "specversion": SPEC_VERSION,
        "id": str(uuid.uuid4()),
        "source": spec.source,
        "type": event_type,
        "subject": subject,
        "time": now_iso(),
        "datacontenttype": "application/json",
        "data": data,
    }
    traceparent = tracing.current()
    if traceparent:  # the CloudEvents distributed-tracing extension
        event["traceparent"] = traceparent
    return event


def private_fields(value) -> set:
    """The private field names anywhere in ``value`` (dicts within dicts and lists)."""
    if isinstance(value, dict):
        found = PRIVATE_FIELDS & value.keys()
        for item in value.values():
            found |= private_fields(item)
        return found
    if isinstance(value, list):
        return set().union(*(private_fields(item) for item in value))
    return set()


def is_cloudevent(payload) -> bool:
    return (isinstance(payload, dict) and payload.get("specversion") == SPEC_VERSION
            and all(payload.get(k) for k in ("id", "source", "type", "subject", "time"))
            and isinstance(payload.get("data"), dict))
