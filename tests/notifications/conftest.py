"""The real parts notifications talks to: a local HTTP receiver for webhooks, a local
SMTP server (aiosmtpd, in its own process, writing a Maildir), and the service itself."""
import http.server
import json
import mailbox
import subprocess
import sys
import threading
import time
import uuid

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.utils import get_extension

from clearinghouse.embedded import free_port, wait_for_port
from clearinghouse.events import cloudevent
from services.notifications.clock import Clock
from services.notifications.courier import Courier
from services.notifications.service import NotificationsService
from tests.conftest import STAFF

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"


def partner(owner_id):
    """The caller dict a partner organisation's key crosses RPC as."""
    return {"role": "partner", "owner_id": owner_id, "owner_kind": "organization"}


def member_caller(member_id):
    return {"role": "member", "owner_id": member_id, "owner_kind": "member"}


class Acting:
    """The notifications RPC proxy with one caller on every call (a call may pass its own)."""

    def __init__(self, proxy, caller):
        self.proxy, self.caller = proxy, caller

    def __getattr__(self, method):
        def call(*args, **kwargs):
            kwargs.setdefault("caller", self.caller)
            return getattr(self.proxy, method)(*args, **kwargs)
        return call


def as_staff(rpc):
    return Acting(rpc.notifications, STAFF)


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024  # the default backlog of 5 refuses bursts of webhooks
    daemon_threads = True


class Receiver:
    """An HTTP endpoint that records every request and answers as scripted per path."""

    def __init__(self, tls=None):
        self.requests = []
        self.scripts = {}
        self.default = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body, "at": time.time()})
                script = receiver.scripts.get(self.path)
                answer = script.pop(0) if script else receiver.default
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path, *answers):
        """Answers for the next requests to ``path`` (a status, or (status, headers)); 200 after."""
        self.scripts.setdefault(path, []).extend(answers)

    def received(self, path=None):
        return [r for r in self.requests if path is None or r["path"] == path]

    def events(self, path=None):
        return [json.loads(r["body"]) for r in self.received(path)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """A throwaway CA and a certificate it signed for hooks.partner.example (openssl)."""
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Clearinghouse test CA")
    run("req", *ec, "-keyout", "hook.key", "-out", "hook.csr", "-subj", "/CN=hooks.partner.example")
    (d / "ext.cnf").write_text("subjectAltName=DNS:hooks.partner.example\n")
    run("x509", "-req", "-in", "hook.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "hook.pem", "-days", "2", "-extfile", "ext.cnf")
    return d


@pytest.fixture
def tls_receiver(certificates):
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "hook.pem", certificates / "hook.key")
    r = Receiver(tls=context)
    yield r
    r.close()


class SmtpServer:
    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc, "aiosmtpd")
        self.url = f"smtp://127.0.0.1:{self.port}"

    def messages(self):
        """Every message that arrived, oldest first."""
        box = mailbox.Maildir(self.directory, create=False)
        found = [box.get_message(key) for key in box.keys()]
        return sorted(found, key=lambda m: m.get_date() if hasattr(m, "get_date") else 0)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / f"maildir-{uuid.uuid4().hex[:6]}")
    yield server
    server.stop()


@pytest.fixture
def notifications_settings(settings, smtp):
    return settings.replace(webhook_allow_http=True, webhook_allow_networks="127.0.0.0/8", smtp_url=smtp.url)


@pytest.fixture
def notifications(container_factory, notifications_settings):
    container = container_factory(NotificationsService, notifications_settings.nameko_config())
    container.start()
    return container


@pytest.fixture
def clock(notifications):
    return get_extension(notifications, Clock)


@pytest.fixture
def courier(notifications):
    return get_extension(notifications, Courier)


@pytest.fixture
def publish(config):
    """Publish a CloudEvent on its source service's exchange, as that service would."""
    dispatch = event_dispatcher(config)

    def publish(event):
        dispatch(event["source"].rsplit("/", 1)[-1], event["type"], event)
        return event
    return publish


def ordinance_event(to="passed", state="pa", issue_area="paid-sick-leave", jurisdiction=PGH, version=1,
                    ordinance_id="ord_0123456789abcdef", title="Paid Sick Days Act"):
    return cloudevent("ordinance.status_changed", f"ordinance/{ordinance_id}", {
        "id": ordinance_id, "version": version, "title": title, "from": "introduced", "to": to, "action": to,
        "jurisdiction": jurisdiction, "state": state, "issue_area": issue_area})


def toolkit_event(issue_area="minimum-wage", slug="minimum-wage-model", version=1):
    return cloudevent("toolkit.published", f"toolkit/{slug}", {
        "slug": slug, "version": version, "title": "A $15 minimum wage", "issue_area": issue_area,
        "toolkit_version": version})
