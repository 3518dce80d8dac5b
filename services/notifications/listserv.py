"""The listserv's use cases: who an ask reaches beyond the followers of its issue area
(the sponsors of ordinances in effect on it, the experts of its toolkits), the reply and
unsubscribe headers of its emails, a reply by email becoming an answer, each new answer
mailed to the thread, and opting out of it. Rules live in replies.py and asks.py; the
entrypoints in service.py (and inbound.py for SMTP) call these."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

import eventlet
from nameko.extensions import DependencyProvider

from clearinghouse import validation as v
from clearinghouse.caller import Caller
from clearinghouse.config import Settings
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unavailable

from . import access, asks, replies
from .domain import iso
from .inbound import Inbound

STAFF = {"role": "staff"}  # emails are private: notifications reads them as staff
MAX_SPONSORS = 500  # ordinances read per ask (pages of 100), and so sponsors reached at most
KEY = "listserv"
RACES = 8  # concurrent answers to one ask: a reply is re-applied this often before the sender retries


@dataclass(frozen=True)
class Mail:
    """Where replies and unsubscribe links point, and the key that signs them."""
    domain: str
    public_url: str
    key: bytes

    def headers(self, ask_id: str, member_id: str) -> dict:
        return replies.list_headers(self.key, ask_id, member_id, self.domain, self.public_url)


class Listserv(DependencyProvider):
    """The service's Mail: its settings, and the key read from the store once."""

    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        self.domain, self.public_url, self.key = settings.mail_reply_domain, settings.public_url, None

    def mail(self, repo) -> Mail:
        if self.key is None:
            self.key = repo.key(KEY, secrets.token_bytes(32))
        return Mail(self.domain, self.public_url, self.key)

    def get_dependency(self, worker_ctx):
        return self


# -- who an ask reaches ----------------------------------------------------------------------
def reached(members, toolkits, issue_area: str) -> list[dict]:
    """The sponsors of ordinances in effect on ``issue_area`` and the experts of its
    published toolkits, as members (with their emails) for asks.recipients."""
    in_effect = [s["status"] for s in toolkits.status_definitions() if s["in_effect"]]
    ids: list[str] = []
    for status in in_effect:
        ids += _sponsors(toolkits, issue_area, status, MAX_SPONSORS - len(ids))
    page = toolkits.list_toolkits(issue_area=issue_area, status="published", first=100)
    for edge in page["edges"]:
        ids += edge["node"].get("expert_ids") or []
    ids = list(dict.fromkeys(ids))
    found = []
    for start in range(0, len(ids), 500):
        found += [m for m in members.get_members(ids[start:start + 500], caller=STAFF) if m]
    return found


def _sponsors(toolkits, issue_area, status, room) -> list[str]:
    ids, after = [], None
    while room > 0:
        page = toolkits.list_ordinances(filter={"issue_area": issue_area, "status": status},
                                        first=min(100, room), after=after)
        for edge in page["edges"]:
            ids += edge["node"].get("sponsor_ids") or []
        room -= len(page["edges"])
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    return ids


# -- a reply by email ------------------------------------------------------------------------------
def take_reply(repo, members, mail: Mail, inbound: Inbound, now: float) -> str:
    """The SMTP answer to a reply: it becomes an answer of its ask, written by the member
    its address was sent to. Forbidden (a 5xx) for an address we did not sign or a sender
    who is not that member; BadInput for a reply with no answer in it."""
    ask_id, member_id = _addressed(mail, inbound.rcpt_tos)
    member = members.get_members([member_id], caller=STAFF)[0]
    if member is None or member.get("status") != "active":
        raise Forbidden(f"{member_id} is not an active member, so cannot answer by email")
    message = replies.parse(inbound.content)
    replies.check_sender(message, member.get("email"))
    body = asks.check_body(replies.answer_of(message))
    reply_id = replies.message_id(message)

    def change(ask):
        if reply_id is not None and reply_id in ask.get("reply_ids", []):
            return ask, []  # the same reply delivered again: answered once
        try:
            new, events = asks.answer(ask, member_id, body, now)
        except Conflict as exc:  # the ask is full: a permanent refusal, not a race to retry
            raise Forbidden(exc.message) from None
        return {**new, "reply_ids": ask.get("reply_ids", []) + ([reply_id] if reply_id else [])}, events
    for _ in range(RACES):
        try:
            repo.modify_ask(ask_id, change)
            return f"250 2.0.0 your answer is kept with ask {ask_id}"
        except NotFound:
            raise Forbidden(f"ask {ask_id} is gone, so the reply cannot be kept") from None
        except Conflict:  # others answered at the same moment: again, a little later
            eventlet.sleep(random.uniform(0.0, 0.05))
    raise Unavailable(f"ask {ask_id} is being answered by many at once; send the reply again shortly")


def _addressed(mail: Mail, rcpt_tos: list) -> tuple[str, str]:
    refused = None
    for address in rcpt_tos:
        try:
            return replies.read_reply_address(mail.key, address, mail.domain)
        except Forbidden as exc:
            refused = exc
    raise refused or Forbidden("the reply names no recipient; reply to the address the ask came from")


# -- telling the thread ------------------------------------------------------------------------------
def queue_answer_emails(repo, members, mail: Mail, ask_id: str, answer_count: int, now: float) -> int:
    """Queue the ``answer_count``-th answer of the ask to its asker and everyone who
    answered before (not its author, nor who opted out); returns how many were new."""
    try:
        ask = repo.ask(ask_id)
    except NotFound:
        return 0  # not ours (another deployment on this bus)
    if not 0 < answer_count <= len(ask["answers"]):
        return 0
    answer = ask["answers"][answer_count - 1]
    thread = replies.thread({**ask, "answers": ask["answers"][:answer_count]})
    opted_out = repo.opted_out(ask_id)
    wanted = [m for m in thread if m not in opted_out]
    if not wanted:
        return 0
    people = [m for m in members.get_members(wanted + [answer["author_id"]], caller=STAFF)]
    author = people.pop()
    subject, body = replies.answer_message(ask, answer, author and author["name"])
    records = [{"ask_id": ask_id, "member_id": r["member_id"], "email": r["email"], "answer": answer_count,
                "subject": subject, "body": body, "headers": mail.headers(ask_id, r["member_id"]),
                "status": "pending", "attempts": 0, "due_at": now, "lease_until": 0.0}
               for r in asks.recipients([p for p in people if p], answer["author_id"])]
    return repo.insert_answer_emails(records)


def unsubscribe(repo, mail: Mail, token, now: float) -> dict:
    """Stop the answers of one ask to one member (the RFC 8058 one-click link's POST)."""
    ask_id, member_id = replies.read_unsubscribe_token(mail.key, token)
    repo.opt_out(ask_id, member_id, now)
    return {"ask_id": ask_id, "member_id": member_id, "unsubscribed": True}


# -- resolved asks, as a toolkit's questions and answers ------------------------------------------------
def resolve_ask(repo, toolkits, caller: Caller, ask_id, accepted_answer, toolkit_slug, now: float) -> dict:
    """Mark an answered ask resolved (its asker, or staff), optionally naming the answer
    that settled it (its place, from 0) and the toolkit that shows it as a question and
    answer. Conflict for an ask with no answer yet; BadInput for an answer or toolkit
    that is not there."""
    caller.require(access.ASKERS, "resolveAsk")
    v.identifier(ask_id, "ask_id", "ask")
    if accepted_answer is not None and (isinstance(accepted_answer, bool) or not isinstance(accepted_answer, int)):
        raise BadInput(f"accepted_answer must be the place of an answer (0 for the first), got {accepted_answer!r}")
    if toolkit_slug is not None:
        toolkit_slug = v.line(toolkit_slug, "toolkit_slug", max_len=100)
        try:
            toolkits.get_toolkit(toolkit_slug)
        except NotFound:
            raise BadInput(f"toolkit_slug {toolkit_slug!r} is not a published toolkit; name one that is") from None
    ask = repo.ask(ask_id)
    if not (caller.is_staff or caller.owns(ask["author_id"])):
        raise Forbidden("only the member who asked (or staff) may mark an ask resolved")

    def change(ask):
        if not ask["answers"]:
            raise Conflict(f"ask {ask_id} has no answer yet; it can be resolved once someone answers")
        if accepted_answer is not None and not 0 <= accepted_answer < len(ask["answers"]):
            raise BadInput(f"accepted_answer {accepted_answer} is not an answer of this ask; "
                           f"it has {len(ask['answers'])} (0 to {len(ask['answers']) - 1})")
        return {**ask, "resolved_at": iso(now), "resolved_ts": now, "accepted_answer": accepted_answer,
                "toolkit_slug": toolkit_slug, "version": ask["version"] + 1}, []
    return asks.ask_view(repo.modify_ask(ask_id, change))


def questions_of(repo, caller: Caller, toolkit_slugs, limit) -> list[list[dict]]:
    """For each toolkit slug, the resolved asks it links to (newest first, up to ``limit``)."""
    access.read_asks(caller, "questions")
    slugs = [v.line(s, "toolkit_slugs[]", max_len=100) for s in v.list_of(toolkit_slugs, "toolkit_slugs")]
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 100:
        raise BadInput(f"limit must be a whole number from 0 to 100, got {limit!r}")
    return [[asks.ask_view(a) for a in repo.questions(slug, limit)] if limit else [] for slug in slugs]
