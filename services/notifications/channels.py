"""How a delivery leaves: a signed webhook POST to an address the SSRF guard has checked,
or an email over SMTP. One attempt each; whatever goes wrong comes back as an Outcome."""
from __future__ import annotations

import json
import ssl

from clearinghouse import tracing
from clearinghouse.config import Settings

from . import bus, delivery, domain, signing
from .digest import event_message
from .mail import Mailer, Unsendable
from .ssrf import Guard


class Channels:
    def __init__(self, settings: Settings):
        self.guard = Guard(settings)
        self.tls = ssl.create_default_context()  # the system's trust store; tests add their own CA
        self.mailer = Mailer(settings.smtp_url)
        self.bus = bus.Publisher(settings.amqp_uri)

    def attempt(self, sub: dict, d: dict, body: str, now: float) -> domain.Outcome:
        """One attempt of a realtime delivery ``d`` of the event ``body`` (its JSON)."""
        event = json.loads(body)
        if sub["channel"] == "bus":
            return self.bus.publish(sub["id"], body, event)
        if sub["channel"] == "webhook":
            raw = body.encode()
            headers = signing.headers(domain.signing_secrets(sub, now), d["event_id"], int(now), raw)
            if tracing.valid(event.get("traceparent")):  # the partner can join our trace of the change
                headers["traceparent"] = event["traceparent"]
            return delivery.post(self.guard, sub["url"], headers, raw, now, tls=self.tls)
        subject, text = event_message(event)
        return self.mail(sub["email"], subject, text)

    def mail(self, to: str, subject: str, text: str, headers: dict | None = None) -> domain.Outcome:
        try:
            self.mailer.send(to, subject, text, headers)
            return domain.Outcome(status_code=250)
        except Unsendable as exc:  # parked at once: it would fail the same way for 3 days
            return domain.Outcome(error=str(exc), unsendable=True)
        except Exception as exc:  # SMTP refused or unreachable: retried on the schedule
            return domain.Outcome(error=f"{type(exc).__name__}: {exc}")

    def close(self):
        self.mailer.close()
        self.bus.close()
