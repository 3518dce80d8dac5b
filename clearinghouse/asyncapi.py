"""The AsyncAPI 3.0 document for the event catalog (docs/asyncapi.yaml): one channel per
event type on its service's topic exchange, the partner-facing queue of a bus subscription,
an operation for each, and a payload schema for every event's data. FIELDS holds the schema
of each data field by name (a field means the same in every event that carries it); a
catalog field without one is an error, so the document cannot fall behind the catalog."""
from pathlib import Path

import yaml

from . import tracing
from .events import CATALOG

_text = {"type": "string"}
_texts = {"type": "array", "items": {"type": "string"}}
_date = {"type": ["string", "null"], "format": "date"}
OCD_ID = {"type": "string", "pattern": "^ocd-division/country:us(/[a-z_]+:[a-z0-9_.~-]+)*$",
          "description": "Open Civic Data division id"}
FIELDS = {
    "name": _text,
    "status": {**_text, "description": "the entity's status: a member's (active, lapsed, alumni) or an "
                                       "ordinance's (derived from its latest action)"},
    "issue_area": {**_text, "description": "issue area slug, e.g. minimum-wage"},
    "issue_areas": {**_texts, "description": "issue area slugs"},
    "offices": {"type": "array", "description": "offices held (public fields only)",
                "items": {"type": "object", "properties": {
                    "role": _text, "body": _text, "jurisdiction": OCD_ID, "district": {"type": ["string", "null"]},
                    "start_date": _date, "end_date": _date}}},
    "kind": {**_text, "description": "an organisation's kind (union, advocacy, policy, ...)"},
    "slug": _text,
    "title": _text,
    "toolkit_version": {"type": "integer", "description": "the toolkit version published"},
    "jurisdiction": OCD_ID,
    "state": {"type": ["string", "null"], "pattern": "^[a-z]{2}$", "description": "two-letter state code"},
    "from": {"type": ["string", "null"], "description": "the status before (an ordinance's or a bill's)"},
    "to": {**_text, "description": "the status after"},
    "action": {"description": "what moved it: an ordinance action type, or a bill's action"},
    "scope": {**_text, "description": "full, partial or none"},
    "subject": _text,
    "body": _text,
    "author_id": _text,
    "posted_at": {"type": "string", "format": "date-time"},
    "answer_count": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "effective_date": _date,
    "summary": {"type": ["string", "null"]},
    "changed_provisions": {**_texts, "description": "the names of the coded provisions the amendment changed"},
    "provisions": {"type": "object", "description": "coded provisions (wage level, accrual rate, ...)"},
    "text_version": {"type": ["integer", "null"], "description": "the ordinance text's version (the text "
                                                                 "itself is fetched by reference)"},
    "sponsor_ids": {**_texts, "description": "members who sponsor the ordinances concerned"},
    "source_url": {"type": ["string", "null"], "format": "uri"},
    "amendment_source_url": {"type": ["string", "null"], "format": "uri", "description": "where the amendment "
                                                                                          "was checked"},
    "court": _text,
    "docket_number": _text,
    "outcome": {**_text, "description": "for_plaintiff, for_defendant, dismissed, affirmed, reversed, ..."},
    "legal_theories": {**_texts, "description": "legal theory tags, e.g. state-preemption"},
    "ordinance_action": {"type": ["string", "null"], "description": "the action recorded on each ordinance"},
    "ordinance_ids": {**_texts, "description": "the ordinances concerned"},
    "states": {**_texts, "description": "two-letter state codes"},
    "session": _text,
    "bill_id": _text,
    "would_void": {"type": "array", "description": "the local ordinances the bill would void",
                   "items": {"type": "object"}},
    "given_name": {"type": ["string", "null"]},
    "family_name": {"type": ["string", "null"]},
    "pronouns": {"type": ["string", "null"]},
    "bio": {"type": ["string", "null"], "description": "excerpt"},
    "joined_on": _date,
    "website": {"type": ["string", "null"], "format": "uri"},
    "published_at": {"type": ["string", "null"], "format": "date-time"},
    "talking_points": {**_texts, "description": "at most 10, each at most 500 characters"},
    "resources": {"type": "array", "items": {"type": "object", "properties": {"title": _text, "url": _text}}},
    "expert_ids": {**_texts, "description": "members who are experts on the toolkit"},
    "model_ordinance": {"type": ["object", "null"], "description": "by reference: read it whole with get_toolkit",
                        "properties": {"toolkit_version": {"type": "integer"}, "length": {"type": "integer"},
                                       "excerpt": _text}},
    "legal_notes": {"type": ["object", "null"], "description": "by reference, as model_ordinance",
                    "properties": {"toolkit_version": {"type": "integer"}, "length": {"type": "integer"},
                                   "excerpt": _text}},
    "toolkit_slug": {"type": ["string", "null"], "description": "the toolkit the ordinance followed"},
    "notes": {"type": ["string", "null"], "description": "excerpt"},
    "action_count": {"type": "integer", "description": "how many actions the ordinance has in all"},
    "actions": {"type": "array", "description": "the latest 20 dated actions",
                "items": {"type": "object", "properties": {"type": _text, "date": {"type": "string", "format": "date"},
                                                           "note": {"type": ["string", "null"]},
                                                           "source_url": {"type": ["string", "null"]}}}},
    "statute": {"type": ["string", "null"], "description": "the preempting statute's citation"},
    "year": {"type": ["integer", "null"]},
    "voids_existing_laws": {"type": ["boolean", "null"]},
    "history_count": {"type": "integer", "description": "how many changes the record has had"},
    "author_name": {"type": ["string", "null"]},
    "answers": {"type": "array", "description": "the latest 5 answers, each bounded",
                "items": {"type": "object", "properties": {"id": _text, "author_id": _text, "body": _text,
                                                           "posted_at": {"type": "string", "format": "date-time"}}}},
    "answer": {"type": "object", "description": "the new answer",
               "properties": {"id": _text, "author_id": _text, "body": _text,
                              "posted_at": {"type": "string", "format": "date-time"}}},
}
TRACEPARENT = {"type": "string", "pattern": tracing.TRACEPARENT.pattern,
               "description": "CloudEvents distributed-tracing extension: the W3C trace context of the "
                              "request that caused the event, when there was one"}
AMQP = "0.3.0"  # the AMQP bindings' version


class MissingSchema(ValueError):
    pass


def data_schema(e) -> dict:
    missing = [f for f in e.data if f not in FIELDS]
    if missing:
        raise MissingSchema(f"{e.type} data fields {missing} have no schema in clearinghouse.asyncapi.FIELDS")
    return {"type": "object", "required": ["id", "version"],
            "properties": {"id": {"type": "string", "description": "the entity's id (a toolkit's slug)"},
                           "version": {"type": "integer", "description": "the entity's counter"},
                           **{field: FIELDS[field] for field in e.data}}}


def message(e) -> dict:
    return {
        "name": e.type, "title": e.type, "summary": e.summary, "contentType": "application/cloudevents+json",
        "payload": {"type": "object", "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
                    "properties": {"specversion": {"const": "1.0"}, "id": {"type": "string"},
                                   "source": {"const": e.source}, "type": {"const": e.type},
                                   "subject": {"type": "string", "description": e.subject},
                                   "time": {"type": "string", "format": "date-time"}, "data": data_schema(e),
                                   "traceparent": TRACEPARENT}},
    }


def _id(event_type: str) -> str:
    return event_type.replace(".", "_")


def document() -> dict:
    channels, operations, messages = {}, {}, {}
    for e in CATALOG.values():
        name = _id(e.type)
        messages[name] = message(e)
        channels[name] = {
            "address": e.type, "title": f"{e.exchange} / {e.type}",
            "description": f"Topic exchange {e.exchange}, routing key {e.type}.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {"amqp": {"is": "routingKey", "bindingVersion": AMQP,
                                  "exchange": {"name": e.exchange, "type": "topic", "durable": True,
                                               "autoDelete": False, "vhost": "/"}}},
        }
        operations[f"receive_{name}"] = {
            "action": "receive", "title": f"Receive {e.type}", "summary": e.summary,
            "description": "What the platform's own consumers (search, notifications) take from the bus.",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
        }
    channels["partner_queue"] = {
        "address": "partner.{subscriptionId}", "title": "A partner's bus subscription",
        "description": "The queue a bus subscription (createEventSubscription with channel bus) gets: the "
                       "events its filters match, in order, as the same CloudEvents its webhooks would carry. "
                       "Read it with the username and password shown at creation; acknowledge each message. "
                       "Past 10,000 unread messages the oldest go to partner.{subscriptionId}.dead.",
        "parameters": {"subscriptionId": {"description": "the subscription's id (sub_...)"}},
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
        "bindings": {"amqp": {"is": "queue", "bindingVersion": AMQP,
                              "queue": {"name": "partner.{subscriptionId}", "durable": True, "exclusive": False,
                                        "autoDelete": False, "vhost": "/"}}},
    }
    operations["receive_partner_events"] = {
        "action": "receive", "title": "Receive a partner's events", "summary": "A partner consumes its own queue.",
        "description": "Consume with the issued credentials, acknowledge after handling; the message id is "
                       "the event id, stable across redeliveries.",
        "channel": {"$ref": "#/channels/partner_queue"},
        "messages": [{"$ref": f"#/channels/partner_queue/messages/{name}"} for name in messages],
        "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP}},
    }
    return {"asyncapi": "3.0.0",
            "info": {"title": "Clearinghouse events", "version": "2.0.0",
                     "description": "CloudEvents 1.0 (structured JSON) on RabbitMQ topic exchanges. Webhook "
                                    "deliveries carry the same CloudEvent as body; a bus subscription's queue "
                                    "carries it as the message body (content type application/cloudevents+json). "
                                    "Each event's data is the entity's public view at its version, never a "
                                    "private field (no contact details, drafts or subscription secrets); long "
                                    "texts are excerpts and a toolkit's model ordinance and legal notes go by "
                                    "reference (toolkit_version)."},
            "defaultContentType": "application/cloudevents+json",
            "servers": {"local": {"host": "127.0.0.1:5672", "protocol": "amqp",
                                  "description": "the broker of `make run`"}},
            "channels": channels, "operations": operations, "components": {"messages": messages}}


def write(path="docs/asyncapi.yaml") -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("# Generated by `clearinghouse docs asyncapi` from clearinghouse/events.py.\n"
                          + yaml.safe_dump(document(), sort_keys=False))
    return path
