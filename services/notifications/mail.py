"""Email over real SMTP (SMTP_URL, e.g. smtp://mail.example.org:587)."""
from __future__ import annotations

import smtplib
import urllib.parse
from email.message import EmailMessage

SENDER = "Clearinghouse <notifications@clearinghouse.invalid>"


class MailUnavailable(RuntimeError):
    pass


class Mailer:
    def __init__(self, smtp_url: str | None, sender: str = SENDER, timeout: float = 15.0):
        self.smtp_url = smtp_url
        self.sender = sender
        self.timeout = timeout

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
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        for key, value in (headers or {}).items():
            msg[key] = value
        msg.set_content(body)
        return msg

    def send(self, to: str, subject: str, body: str, headers: dict | None = None):
        """Send one message; raises on any SMTP or connection failure."""
        self.send_many([self.message(to, subject, body, headers)])

    def send_many(self, messages: list[EmailMessage]):
        if not messages:
            return
        conn = self._connect()
        try:
            for msg in messages:
                conn.send_message(msg)
        finally:
            try:
                conn.quit()
            except smtplib.SMTPException:
                conn.close()
