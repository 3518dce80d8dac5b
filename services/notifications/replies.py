"""The listserv by email, as pure rules: the reply address unique to an ask and one
recipient, the one-click unsubscribe token, reading a reply (its text without quotes and
signature, who sent it), and the email that tells the thread about a new answer.

Both tokens are an HMAC-SHA256 over what they name with the service's key (kept once in
its store, so every replica signs and checks alike); a token is checked in constant time.
No I/O."""
from __future__ import annotations

import email.policy
import email.utils
import hashlib
import hmac
import html.parser
import re
from email.message import EmailMessage

from clearinghouse.errors import BadInput, Forbidden

from .asks import ask_message

REPLY_PREFIX = "ask"
REPLY_SIG = 20  # hex characters of the reply signature: 80 bits, and the local part stays under 64
UNSUBSCRIBE_SIG = 32
_ID = r"[0-9a-f]{16}"
_REPLY = re.compile(rf"{REPLY_PREFIX}-({_ID})-({_ID})-([0-9a-f]{{{REPLY_SIG}}})")
_UNSUBSCRIBE = re.compile(rf"({_ID})-({_ID})-([0-9a-f]{{{UNSUBSCRIBE_SIG}}})")
MAX_MESSAGE = 1_000_000  # bytes of one reply (SMTP SIZE); a reply is text, attachments are dropped
MAX_RECIPIENTS = 5  # RCPT TO per message: a reply goes to its one address (a few for Cc's of ours)


def _mac(key: bytes, purpose: str, ask_id: str, member_id: str, length: int) -> str:
    return hmac.new(key, f"{purpose}:{ask_id}:{member_id}".encode(), hashlib.sha256).hexdigest()[:length]


# -- reply addresses -----------------------------------------------------------------------
def reply_address(key: bytes, ask_id: str, member_id: str, domain: str) -> str:
    """ask-<ask>-<member>-<signature>@domain: only this recipient's mailbox holds it."""
    a, m = ask_id.removeprefix("ask_"), member_id.removeprefix("mem_")
    return f"{REPLY_PREFIX}-{a}-{m}-{_mac(key, 'reply', ask_id, member_id, REPLY_SIG)}@{domain}"


def is_ours(address: str, domain: str) -> bool:
    """Whether a RCPT TO is an address of our reply domain (anything else: we relay nothing)."""
    local, _, host = (address or "").rpartition("@")
    return bool(local) and host.lower() == domain.lower()


def read_reply_address(key: bytes, address: str, domain: str) -> tuple[str, str]:
    """(ask_id, member_id) of a reply address; Forbidden if it is not one we signed."""
    local, _, host = (address or "").rpartition("@")
    found = _REPLY.fullmatch(local.lower()) if host.lower() == domain.lower() else None
    if not found:
        raise Forbidden(f"{_shown(address)} is not a reply address of an ask; reply to the address the ask came from")
    ask_id, member_id = f"ask_{found[1]}", f"mem_{found[2]}"
    if not hmac.compare_digest(found[3], _mac(key, "reply", ask_id, member_id, REPLY_SIG)):
        raise Forbidden(f"{_shown(address)} is not a reply address we gave out; reply to the address the ask came from")
    return ask_id, member_id


# -- one-click unsubscribe (RFC 8058) ----------------------------------------------------------
def unsubscribe_token(key: bytes, ask_id: str, member_id: str) -> str:
    a, m = ask_id.removeprefix("ask_"), member_id.removeprefix("mem_")
    return f"{a}-{m}-{_mac(key, 'unsubscribe', ask_id, member_id, UNSUBSCRIBE_SIG)}"


def read_unsubscribe_token(key: bytes, token) -> tuple[str, str]:
    """(ask_id, member_id) the token stops the answers of; BadInput if malformed, Forbidden if forged."""
    if not isinstance(token, str) or len(token) > 100:
        raise BadInput("token must be the unsubscribe token from an email's link (a string under 100 characters)")
    found = _UNSUBSCRIBE.fullmatch(token)
    if not found:
        raise BadInput("token is not an unsubscribe token; use the link from the email as it is")
    ask_id, member_id = f"ask_{found[1]}", f"mem_{found[2]}"
    if not hmac.compare_digest(found[3], _mac(key, "unsubscribe", ask_id, member_id, UNSUBSCRIBE_SIG)):
        raise Forbidden("this unsubscribe link was not signed by us; use the link from the email as it is")
    return ask_id, member_id


def list_headers(key: bytes, ask_id: str, member_id: str, domain: str, public_url: str) -> dict:
    """Reply-To (the recipient's own reply address) and the RFC 2369/8058 list headers."""
    link = f"{public_url}/unsubscribe/{unsubscribe_token(key, ask_id, member_id)}"
    return {"Reply-To": reply_address(key, ask_id, member_id, domain),
            "List-Id": f"<{ask_id.replace('_', '-')}.{domain}>",
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# -- reading a reply ------------------------------------------------------------------------------
def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def sender(message: EmailMessage) -> str:
    """The From address, lower-cased ("" if there is none we can read)."""
    try:
        addresses = email.utils.getaddresses([str(message.get("From", ""))])
    except (TypeError, ValueError, IndexError):
        return ""
    found = [a for _, a in addresses if a]
    return found[0].strip().lower() if len(found) == 1 else ""


def check_sender(message: EmailMessage, expected: str | None):
    """Forbidden unless the reply comes From the address its reply address was sent to."""
    got = sender(message)
    if not expected or got != expected.strip().lower():
        raise Forbidden(f"a reply to this ask must come from the address it was sent to, not {_shown(got)}")


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "blockquote"):
            self.skip += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "blockquote") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def body_text(message: EmailMessage) -> str:
    """The reply's text: its text/plain part, else its HTML as text (quotes dropped)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise BadInput("the reply has no text; write the answer in the body of the email")
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        raise BadInput("the reply's text cannot be decoded; send it as UTF-8 plain text") from None
    if part.get_content_subtype() == "html":
        reader = _Text()
        reader.feed(content)
        content = "".join(reader.parts)
    return content


# Where the quoted message or the signature starts: what comes after is not the answer.
_CUT = [re.compile(p, re.IGNORECASE) for p in (
    r"^\s*on\b.{0,300}\bwrote:\s*$",  # Gmail, Apple Mail, Thunderbird (may wrap: see _joined)
    r"^\s*-{2,}\s*original message\s*-{2,}\s*$",  # Outlook
    r"^\s*_{10,}\s*$",  # Outlook's rule above the quoted headers
    r"^-- ?$",  # the signature delimiter (RFC 3676)
    r"^\s*sent from my \w+",
    r"^\s*get outlook for \w+",
)]


_HEADER = re.compile(r"^\s*\*?from:\*?\s", re.IGNORECASE)
_NEXT_HEADER = re.compile(r"^\s*\*?(sent|date|to|subject):\*?\s", re.IGNORECASE)


def strip_quotes(text: str) -> str:
    """The answer a reply holds: no quoted lines (">"), nothing from the attribution
    ("On ... wrote:"), a forwarded/original header block or the signature on."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = []
    for i, line in enumerate(lines):
        joined = line + " " + lines[i + 1] if i + 1 < len(lines) else line  # "On ... \n wrote:" wrapped
        if any(p.match(line) for p in _CUT) or (_CUT[0].match(joined) and not line.lstrip().startswith(">")):
            break
        if _HEADER.match(line) and i + 1 < len(lines) and _NEXT_HEADER.match(lines[i + 1]):
            break  # a quoted header block (From: / Sent: or Date:)
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def answer_of(message: EmailMessage) -> str:
    """The answer's text, checked as an answer body is (BadInput if nothing is left)."""
    answer = strip_quotes(body_text(message))
    if not answer:
        raise BadInput("the reply holds only quoted text; write the answer above the quote")
    return answer


def message_id(message: EmailMessage) -> str | None:
    value = str(message.get("Message-ID", "") or "").strip()
    return value[:300] if value and not re.search(r"[\x00-\x1f\x7f]", value) else None


def _shown(address: str | None) -> str:
    # for messages and logs: bounded, one line
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", address or "(none)")
    return repr(text[:120])


# -- telling the thread ------------------------------------------------------------------------------
def answer_message(ask: dict, answer: dict, author_name: str | None) -> tuple[str, str]:
    """The email of a new answer: subject (a reply to the ask's) and plain-text body."""
    subject = "Re: " + ask_message(ask, None)[0]
    body = (f"{author_name or 'A member'} answered:\n\n{answer['body']}\n\n"
            f"Reply to this email to answer too (ask {ask['id']}).\n"
            "You get this because you asked or answered; the unsubscribe link in the headers stops these.\n")
    return subject, body


def thread(ask: dict) -> list[str]:
    """Who hears of a new answer: the asker and everyone who answered, the new answer's author
    left out, each once, in the order they joined the thread."""
    newest = ask["answers"][-1]["author_id"] if ask["answers"] else None
    people = [ask["author_id"]] + [a["author_id"] for a in ask["answers"]]
    return [p for p in dict.fromkeys(people) if p != newest]
