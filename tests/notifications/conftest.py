"""The real parts notifications talks to, started for a test: a webhook receiver (plain
and TLS), a local SMTP server, the service itself, and a publisher of the events it hears
(the kit they are made of is tests.support.notifications)."""
import subprocess
import uuid

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.utils import get_extension

from services.members.service import MembersService
from services.notifications.clock import Clock
from services.notifications.courier import Courier
from services.notifications.service import NotificationsService
from services.toolkits.service import ToolkitsService
from tests.support.notifications import Receiver, SmtpServer


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


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / f"maildir-{uuid.uuid4().hex[:6]}")
    yield server
    server.stop()


@pytest.fixture
def notifications_settings(settings, smtp):
    return settings.replace(webhook_allow_http=True, webhook_allow_networks="127.0.0.0/8", smtp_url=smtp.url)


@pytest.fixture
def service_config(notifications_settings):
    """What start_service runs a service with here: the test's SMTP server and local webhooks."""
    return notifications_settings.nameko_config()


@pytest.fixture
def notifications(start_service):
    return start_service(NotificationsService)


@pytest.fixture
def members(start_service):
    """Members beside notifications, for the asks and the callers it looks up, and
    toolkits, for the sponsors and experts an ask also reaches."""
    start_service(ToolkitsService)
    return start_service(MembersService)


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

