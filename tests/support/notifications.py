"""The notifications tests' kit: a local HTTP receiver for webhooks, a local SMTP server
(aiosmtpd, in its own process, writing a Maildir), the events notifications hears, and the
RPC proxy as STAFF."""
import http.server
import json
import mailbox
import subprocess
import sys
import threading
import time

from clearinghouse.embedded import free_port, wait_for_port
from clearinghouse.events import cloudevent
from tests.support import PGH, STAFF, As


def as_staff(rpc):
    return As(rpc.notifications, STAFF)


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


def ordinance_event(to="passed", state="pa", issue_area="paid-sick-leave", jurisdiction=PGH, version=1,
                    ordinance_id="ord_0123456789abcdef", title="Paid Sick Days Act"):
    return cloudevent("ordinance.status_changed", f"ordinance/{ordinance_id}", {
        "id": ordinance_id, "version": version, "title": title, "from": "introduced", "to": to, "action": to,
        "jurisdiction": jurisdiction, "state": state, "issue_area": issue_area})


def toolkit_event(issue_area="minimum-wage", slug="minimum-wage-model", version=1):
    return cloudevent("toolkit.published", f"toolkit/{slug}", {
        "slug": slug, "version": version, "title": "A $15 minimum wage", "issue_area": issue_area,
        "toolkit_version": version})


class Hook:
    """One path of a Receiver as a single webhook URL: ``url`` and the bodies it ``got``."""

    def __init__(self, receiver, path="/hook"):
        self.receiver, self.path = receiver, path
        self.url = receiver.url(path)

    @property
    def got(self):
        return [r["body"] for r in self.receiver.received(self.path)]
