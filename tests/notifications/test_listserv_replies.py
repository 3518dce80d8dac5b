"""The listserv's pure rules: reply addresses and unsubscribe tokens (signed, checked in
constant time), reading a reply's answer out of what mail clients quote and sign."""
import pytest

from clearinghouse.errors import BadInput, Forbidden
from services.notifications import replies

KEY = b"k" * 32
ASK, MEM = "ask_0123456789abcdef", "mem_fedcba9876543210"
DOMAIN = "reply.example.org"


def test_a_reply_address_names_its_ask_and_recipient_and_nothing_else_passes():
    address = replies.reply_address(KEY, ASK, MEM, DOMAIN)
    assert len(address.split("@")[0]) <= 64
    assert replies.read_reply_address(KEY, address, DOMAIN) == (ASK, MEM)
    assert replies.read_reply_address(KEY, address.upper(), DOMAIN) == (ASK, MEM)  # local parts lose their case
    other = replies.reply_address(KEY, ASK, "mem_0000000000000000", DOMAIN)
    swapped = address.split("-")[:2] + other.split("-")[2:3] + address.split("-")[3:]
    for forged in ("-".join(swapped), replies.reply_address(b"x" * 32, ASK, MEM, DOMAIN),
                   address.replace(DOMAIN, "elsewhere.org"), "ask-\x00@" + DOMAIN, "", "@" + DOMAIN):
        with pytest.raises(Forbidden):
            replies.read_reply_address(KEY, forged, DOMAIN)


def test_an_unsubscribe_token_is_signed_and_bad_ones_say_what_is_wrong():
    token = replies.unsubscribe_token(KEY, ASK, MEM)
    assert replies.read_unsubscribe_token(KEY, token) == (ASK, MEM)
    with pytest.raises(Forbidden):
        replies.read_unsubscribe_token(b"x" * 32, token)
    for bad in (None, 3, "", "x" * 101, token + "\n", token.replace("-", "_")):
        with pytest.raises(BadInput):
            replies.read_unsubscribe_token(KEY, bad)
    headers = replies.list_headers(KEY, ASK, MEM, DOMAIN, "https://ch.example.org")
    assert headers["List-Unsubscribe"] == f"<https://ch.example.org/unsubscribe/{token}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("text", [
    "Yes, we did.\n\nOn Tue, Jan 6, 2026 at 10:01 AM Alex <alex@example.org> wrote:\n> Did you?\n",
    "Yes, we did.\n\nOn Tue, Jan 6, 2026 at 10:01 AM Alex Asker via Clearinghouse\n<x@example.org> wrote:\n> Did you?",
    "Yes, we did.\n-- \nBea\nCouncilmember\n",
    "Yes, we did.\n\nSent from my iPhone\n",
    "Yes, we did.\n\n-----Original Message-----\nFrom: Alex\nDid you?\n",
    "Yes, we did.\n\n________________________________\nFrom: Clearinghouse\nSent: Tuesday\n",
    "Yes, we did.\n\nFrom: Clearinghouse <notifications@clearinghouse.invalid>\nDate: Tue, 6 Jan 2026\nDid you?",
    "> Did you?\nYes, we did.\r\n>> earlier\n",
])
def test_quoted_text_and_signatures_are_stripped(text):
    assert replies.strip_quotes(text) == "Yes, we did."


def test_a_line_that_only_looks_like_a_header_is_kept():
    assert replies.strip_quotes("From: our experience, yes.\nIt works.") == "From: our experience, yes.\nIt works."


def test_an_html_reply_is_read_as_text_without_its_quote():
    raw = (b"From: bea@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           b"<div>Yes,<br>we did.</div><blockquote>Did you?</blockquote><style>p{}</style>")
    assert replies.answer_of(replies.parse(raw)) == "Yes,\nwe did."


def test_a_reply_of_only_quotes_or_without_text_is_refused():
    with pytest.raises(BadInput, match="only quoted text"):
        replies.answer_of(replies.parse(b"From: a@b.org\r\n\r\n> quoted\r\n"))
    with pytest.raises(BadInput, match="no text"):
        replies.answer_of(replies.parse(b"From: a@b.org\r\nContent-Type: image/png\r\n\r\nxx"))


def test_the_sender_must_be_the_recipient():
    message = replies.parse(b"From: Bea <BEA@example.org>\r\n\r\nhi")
    replies.check_sender(message, "bea@example.org")
    for expected in ("cy@example.org", None, ""):
        with pytest.raises(Forbidden):
            replies.check_sender(message, expected)
    with pytest.raises(Forbidden):  # two senders: whose reply is it?
        replies.check_sender(replies.parse(b"From: bea@example.org, cy@example.org\r\n\r\nhi"), "bea@example.org")


def test_the_thread_is_the_asker_and_earlier_answerers_without_the_new_answers_author():
    ask = {"author_id": "mem_a", "answers": [{"author_id": "mem_b"}, {"author_id": "mem_a"}, {"author_id": "mem_c"},
                                             {"author_id": "mem_b"}]}
    assert replies.thread(ask) == ["mem_a", "mem_c"]
