"""Email over real SMTP (SMTP_URL, e.g. smtp://mail.example.org:587), reusing connections."""
from __future__ import annotations

import email.errors
import email.policy
import smtplib
import urllib.parse
from email.message import EmailMessage

SENDER = "Clearinghouse <notifications@clearinghouse.invalid>"
# Headers unfolded up to SMTP's limit: a List-Unsubscribe URL folded at 78 would become
# encoded words that mail clients cannot act on (RFC 2369 wants the URL as it is).
POLICY = email.policy.default.clone(max_line_length=998)
MAX_IDLE = 8  # open connections kept for the next messages (one per mail worker at most)


class MailUnavailable(RuntimeError):
    pass


class Unsendable(ValueError):
    """The message can never be built or accepted as it is (a newline in a header, an
    address SMTP cannot carry): retrying would fail the same way."""


class Mailer:
    def __init__(self, smtp_url: str | None, sender: str = SENDER, timeout: float = 15.0):
        self.smtp_url = smtp_url
        self.sender = sender
        self.timeout = timeout
        self._idle: list[tuple[str, smtplib.SMTP]] = []  # (the URL it was opened for, connection)

    def _connect(self) -> smtplib.SMTP:
        if not self.smtp_url:
            raise MailUnavailable("SMTP_URL is not set; set it to smtp://host:port to send email")
        url = urllib.parse.urlsplit(self.smtp_url)
        if url.scheme not in ("smtp", "smtps"):
            raise MailUnavailable(f"SMTP_URL {self.smtp_url!r} must start with smtp:// or smtps://")
        cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        conn = cls(url.hostname or "127.0.0.1", url.port or (465 if url.scheme == "smtps" else 25),
                   timeout=self.timeout)
        if url.username:
            if url.scheme == "smtp" and conn.has_extn("starttls"):
                conn.starttls()
            conn.login(urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or ""))
        return conn

    def message(self, to: str, subject: str, body: str, headers: dict | None = None) -> EmailMessage:
        """The message; Unsendable if a header cannot be written (e.g. it holds a newline)."""
        try:
            msg = EmailMessage(policy=POLICY)
            msg["From"] = self.sender
            msg["To"] = to
            msg["Subject"] = subject
            for key, value in (headers or {}).items():
                msg[key] = value
            msg.set_content(body)
            msg.as_bytes()  # headers are checked when written out; fail here, not mid-SMTP
        except (ValueError, TypeError, IndexError, email.errors.MessageError) as exc:
            raise Unsendable(f"the message cannot be built: {exc}") from None
        return msg

    def send(self, to: str, subject: str, body: str, headers: dict | None = None):
        """Send one message; Unsendable if it can never go, another error on SMTP failure."""
        self.deliver(self.message(to, subject, body, headers))

    def deliver(self, msg: EmailMessage):
        conn, reused = self._take()
        try:
            conn.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            self._close(conn)
            if not reused:
                raise
            # the server closed an idle connection: once more on a new one
            conn, _ = self._connect(), False
            self._send_or_close(conn, msg)
        except (smtplib.SMTPNotSupportedError, UnicodeEncodeError) as exc:
            self._close(conn)
            raise Unsendable(f"the SMTP server cannot carry this message: {exc}") from None
        except BaseException:
            self._close(conn)
            raise
        self._give_back(conn)

    def _send_or_close(self, conn, msg):
        try:
            conn.send_message(msg)
        except BaseException:
            self._close(conn)
            raise

    def _take(self) -> tuple[smtplib.SMTP, bool]:
        while self._idle:
            url, conn = self._idle.pop()
            if url == self.smtp_url:
                return conn, True
            self._close(conn)
        return self._connect(), False

    def _give_back(self, conn):
        if len(self._idle) < MAX_IDLE:
            self._idle.append((self.smtp_url, conn))
        else:
            self._quit(conn)

    def close(self):
        while self._idle:
            self._quit(self._idle.pop()[1])

    def _quit(self, conn):
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            self._close(conn)

    @staticmethod
    def _close(conn):
        try:
            conn.close()
        except OSError:
            pass
