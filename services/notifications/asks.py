"""Network asks, the listserv: a member asks everyone who follows an issue area one
question; answers are kept with the ask. Pure functions; no I/O."""
from __future__ import annotations

from clearinghouse import validation as v
from clearinghouse.errors import BadInput, Conflict
from clearinghouse.events import cloudevent, excerpt
from clearinghouse.issue_areas import ISSUE_AREAS, check_issue_area

from .domain import iso, new_id

ASK_FIELDS = ("issue_area", "subject", "body")
SUBJECT_MAX = 200  # the subject is an email Subject header: one line
BODY_MAX = 10_000
MAX_ANSWERS = 200  # answers live in the ask's document; this keeps it small
RESOLUTION = ("resolved_at", "accepted_answer", "toolkit_slug")


def check_ask(data) -> dict:
    v.mapping(data, "ask")
    v.only_keys(data, "ask", ASK_FIELDS)
    return {
        "issue_area": check_issue_area(data.get("issue_area"), "issue_area"),
        "subject": v.line(data.get("subject"), "subject", max_len=SUBJECT_MAX),
        "body": check_body(data.get("body")),
    }


def check_body(value) -> str:
    return v.text(value, "body", max_len=BODY_MAX)


def check_member_id(value, field) -> str:
    return v.identifier(value, field, "mem")


ANSWERS_IN_EVENT = 5  # an ask's event carries its latest answers, each bounded
EVENT_BODY = 4000


def public_ask(doc: dict) -> dict:
    """An ask as its events carry it (read by members, partners and staff): the question,
    its latest answers (answer_count says how many) and no contact details."""
    out = {k: doc[k] for k in ("id", "version", "issue_area", "subject", "author_id", "posted_at")}
    out.update(body=excerpt(doc["body"], EVENT_BODY), author_name=doc.get("author_name"),
               answer_count=len(doc["answers"]),
               answers=[{**a, "body": excerpt(a["body"], EVENT_BODY)} for a in doc["answers"][-ANSWERS_IN_EVENT:]])
    return out



def new_ask(author_id: str, fields: dict, now: float, author_name: str | None = None) -> tuple[dict, list[dict]]:
    """The ask and its ask.posted, which carries what the emails need (the author's public
    name included), so nobody reads the ask or its author back to send them."""
    doc = {"id": new_id("ask"), "author_id": author_id, "author_name": author_name, **fields, "answers": [],
           "posted_at": iso(now), "posted_ts": now, "version": 1}
    return doc, [cloudevent("ask.posted", f"ask/{doc['id']}", {**public_ask(doc), "body": doc["body"]})]


def answer(doc: dict, author_id: str, body: str, now: float) -> tuple[dict, list[dict]]:
    if len(doc["answers"]) >= MAX_ANSWERS:
        raise Conflict(f"ask {doc['id']} already has {MAX_ANSWERS} answers, the most one ask keeps; "
                       "post a new ask to go on with the conversation")
    body = check_body(body)
    entry = {"author_id": author_id, "body": body, "posted_at": iso(now)}
    new = {**doc, "answers": doc["answers"] + [entry], "version": doc["version"] + 1}
    data = {**public_ask(new), "answer": {**entry, "body": excerpt(body, EVENT_BODY)}}
    return new, [cloudevent("ask.answered", f"ask/{doc['id']}", data)]


def ask_view(doc: dict | None) -> dict | None:
    if doc is None:
        return None
    out = {k: doc[k] for k in ("issue_area", "subject", "body", "author_id", "posted_at", "version")}
    out["id"] = doc["id"]
    out["answers"] = [dict(a) for a in doc["answers"]]
    out.update({k: doc.get(k) for k in RESOLUTION})  # None until the ask is resolved (listserv.resolve_ask)
    return out


def recipients(members: list[dict], author_id: str) -> list[dict]:
    """Who gets an ask: active followers of its issue area with an email, not its author."""
    seen, out = set(), []
    for m in members:
        email = m.get("email")
        if m["id"] != author_id and m.get("status") == "active" and email and email.lower() not in seen:
            seen.add(email.lower())
            out.append({"member_id": m["id"], "email": email})
    return out


def ask_emails(ask: dict, author_name: str | None, followers: list[dict], now: float) -> list[dict]:
    """One email record per recipient (the repository keeps one per ask and member)."""
    subject, body = ask_message(ask, author_name)
    return [{"ask_id": ask["id"], **r, "subject": subject,
             "body": body, "status": "pending", "attempts": 0, "due_at": now, "lease_until": 0.0}
            for r in recipients(followers, ask["author_id"])]


def ask_message(ask: dict, author_name: str | None) -> tuple[str, str]:
    """The email for an ask: subject and plain-text body."""
    area = ISSUE_AREAS.get(ask["issue_area"], ask["issue_area"])
    subject = f"[Ask the network | {area}] {ask['subject']}"
    body = (f"{author_name or 'A member'} asks the network about {area}:\n\n{ask['body']}\n\n"
            f"Answer with the ask id {ask['id']}.\n"
            "You get this because you follow this issue area.\n")
    return subject, body


def check_ask_ids(ask_ids) -> list[str]:
    ids = v.list_of(ask_ids, "ask_ids", max_items=500)
    return [v.identifier(i, "ask_ids[]", "ask") for i in ids]


def refuse_unknown_author(author_id: str):
    raise BadInput(f"author_id {author_id!r} is not a member of the network; pass the asking member's id")
