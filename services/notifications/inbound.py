"""The inbound SMTP endpoint (SMTP_INBOUND_PORT): replies to asks arrive here and each
becomes a worker of the service, like an RPC does.

aiosmtpd is asyncio; the service runs on eventlet. The SMTP server runs its own asyncio
loop in a real OS thread (eventlet.patcher.original("threading")); each message it
accepts is handed over a real queue to a green pump (eventlet.tpool waits on the queue
without blocking the hub), which spawns a nameko worker; the worker's answer comes back
to the loop with call_soon_threadsafe and becomes the SMTP reply (250, or a 5xx when the
reply is refused, a 451 when we cannot take it now and the sender should retry).

Several replicas: every replica listens, on one host on the same port (SO_REUSEPORT lets
the kernel spread connections), each behind its own address elsewhere; any replica can
take any reply, since the token is checked with the key every replica reads from the
store and the answer is an optimistic write on the ask (Records.modify_ask re-reads on a
race), deduplicated by Message-ID so a retried delivery answers once."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import eventlet
from eventlet import tpool
from aiosmtpd.smtp import SMTP
from nameko.extensions import Entrypoint

from clearinghouse.config import Settings
from clearinghouse.errors import ClearinghouseError, Unavailable

from .replies import MAX_MESSAGE, MAX_RECIPIENTS, is_ours

log = logging.getLogger(__name__)
_threading = eventlet.patcher.original("threading")
_queue = eventlet.patcher.original("queue")

WORK_TIMEOUT = 30.0  # seconds a session waits for its worker before asking the sender to retry
SESSION_TIMEOUT = 60  # idle seconds before aiosmtpd drops a connection


@dataclass
class Inbound:
    """One message as the worker sees it: the envelope and the raw bytes."""
    mail_from: str
    rcpt_tos: list
    content: bytes
    loop: asyncio.AbstractEventLoop = field(repr=False, default=None)
    future: asyncio.Future = field(repr=False, default=None)


class _Handler:
    def __init__(self, entrypoint):
        self.entrypoint = entrypoint

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not is_ours(address, self.entrypoint.domain):
            log.info("inbound mail refused: %r is not an address of %s", address[:120], self.entrypoint.domain)
            return "550 5.7.1 we relay nothing: only replies to asks are taken here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return f"452 4.5.3 at most {MAX_RECIPIENTS} recipients a message"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        item = Inbound(envelope.mail_from or "", list(envelope.rcpt_tos), bytes(envelope.original_content or b""),
                       loop, loop.create_future())
        self.entrypoint.requests.put(item)
        try:
            return await asyncio.wait_for(item.future, WORK_TIMEOUT)
        except asyncio.TimeoutError:
            return "451 4.3.0 we could not take the reply just now; try again later"


class InboundMail(Entrypoint):
    """``@inbound_mail``: the decorated method takes an Inbound and returns the SMTP reply
    ("250 ..."); a ClearinghouseError it raises becomes a 5xx (an Unavailable a 451)."""

    def __init__(self, **kwargs):
        super().__init__(expected_exceptions=ClearinghouseError, **kwargs)
        self.loop = self.thread = self.server = None
        self.port = None

    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        self.domain = settings.mail_reply_domain
        self.wanted_port = settings.smtp_inbound_port
        self.requests = _queue.Queue()

    def start(self):
        started = _queue.Queue()
        self.thread = _threading.Thread(target=self._serve, args=(started,), name="smtp-inbound", daemon=True)
        self.thread.start()
        outcome = tpool.execute(started.get, True, 30)
        if isinstance(outcome, BaseException):
            raise outcome
        self.port = outcome
        self.container.spawn_managed_thread(self._pump)
        log.info("inbound SMTP for replies to asks on port %s (domain %s)", self.port, self.domain)

    def _serve(self, started):
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        handler = _Handler(self)

        def session():
            return SMTP(handler, data_size_limit=MAX_MESSAGE, enable_SMTPUTF8=True, decode_data=False,
                        hostname=self.domain, ident="Clearinghouse", timeout=SESSION_TIMEOUT)
        try:
            self.server = loop.run_until_complete(
                loop.create_server(session, host="0.0.0.0", port=self.wanted_port, reuse_port=True))
        except BaseException as exc:  # the port is taken by someone else: the container must not start
            started.put(exc)
            return
        started.put(self.server.sockets[0].getsockname()[1])
        try:
            loop.run_forever()
        finally:
            self.server.close()
            loop.run_until_complete(self.server.wait_closed())
            loop.close()

    def _pump(self):
        while True:
            item = tpool.execute(self.requests.get)
            if item is None:
                return
            try:
                self.container.spawn_worker(self, (item,), {}, handle_result=self._answered(item))
            except Exception:  # the container is stopping: the sender retries later
                self._reply(item, "451 4.3.2 shutting down; try again later")

    def _answered(self, item):
        def handle_result(worker_ctx, result, exc_info):
            if exc_info is None:
                self._reply(item, result)
            elif isinstance(exc_info[1], Unavailable):
                self._reply(item, "451 4.3.0 we could not take the reply just now; try again later")
            elif isinstance(exc_info[1], ClearinghouseError):
                log.info("inbound reply refused: %s", exc_info[1])
                self._reply(item, "550 5.7.1 " + " ".join(str(exc_info[1]).split())[:400])
            else:
                self._reply(item, "451 4.3.0 something went wrong on our side; try again later")
            return result, exc_info
        return handle_result

    @staticmethod
    def _reply(item, text):
        def settle():
            if not item.future.done():
                item.future.set_result(text)
        item.loop.call_soon_threadsafe(settle)

    def stop(self):
        self._halt()

    def kill(self):
        self._halt()

    def _halt(self):
        if self.loop is not None and self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not None:
            tpool.execute(self.thread.join, 10)
            self.thread = None
        self.requests.put(None)


inbound_mail = InboundMail.decorator
