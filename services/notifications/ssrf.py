"""The SSRF guard: a webhook may only reach public addresses.

Checked twice: when a subscription is created (a clear BadInput) and again on every
attempt, on the address actually connected to, so a name that later resolves to a
private address (DNS rebinding) is refused before a byte is sent. The cloud metadata
addresses stay refused in every form, whatever WEBHOOK_ALLOW_NETWORKS says.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
import urllib.parse

from clearinghouse.config import Settings
from clearinghouse.errors import BadInput

# Never reachable, whatever the allowed networks say: cloud instance metadata and the
# platform endpoints beside it (AWS IPv4 and IPv6, ECS tasks, Alibaba, Oracle, Azure).
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "169.254.170.2", "169.254.169.253", "100.100.100.200",
    "192.0.0.192", "168.63.129.16"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")
_NUMERIC_V4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)
MAX_HOST = 253
_HOST = re.compile(r"[a-z0-9_.-]+", re.IGNORECASE)
MAX_LABEL = 63


# A refusal crosses RPC as the BadInput it is (the gateway knows no other type).
Refused = BadInput


def parse_networks(text: str) -> tuple:
    networks = []
    for part in (text or "").split(","):
        if part.strip():
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(networks)


def literal_address(host: str):
    """The address a host names literally, in any form a resolver would accept
    (decimal 2130706433, octal 0177.0.0.1, hex 0x7f.1, IPv6), or None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_V4.match(host):
        try:
            # inet_aton takes the same shorthand forms that libc resolvers do
            return ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            raise Refused(f"host {host!r} is not a valid IPv4 address in any notation")
    return None


def embedded_ipv4(ip) -> list:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64 or (ip in _V4_COMPATIBLE and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [a for a in found if a is not None]


def is_metadata(ip) -> bool:
    return ip in METADATA or any(a in METADATA for a in embedded_ipv4(ip))


def _why_not_public(ip) -> str | None:
    if is_metadata(ip):
        return "the cloud metadata address"
    for embedded in embedded_ipv4(ip):
        reason = _why_not_public(embedded)
        if reason:
            return f"an IPv6 form of {embedded} ({reason})"
    for label, test in (("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified),
                        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                        ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if test:
            return label
    if not ip.is_global:
        return "not globally routable"
    return None


def ascii_host(host: str) -> str:
    """The host as DNS carries it: IDNA-encoded, labels and length within DNS limits."""
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise Refused(f"host {host!r} is not a valid host name ({exc}); use a name whose labels are "
                      f"1 to {MAX_LABEL} characters") from None
    if not _HOST.fullmatch(encoded):
        raise Refused(f"host {host[:80]!r} has characters a host name cannot; use letters, digits, '-' and '.'")
    if len(encoded) > MAX_HOST or any(len(label) > MAX_LABEL for label in encoded.rstrip(".").split(".")):
        raise Refused(f"host {host[:80]!r} is too long for DNS: at most {MAX_LABEL} characters a label "
                      f"and {MAX_HOST} in all")
    return encoded


@dataclasses.dataclass(frozen=True)
class Target:
    """Where a webhook goes: scheme, the host in ASCII (for Host and SNI), port and path."""
    scheme: str
    host: str
    port: int
    path: str


class Guard:
    """What a webhook may reach under these settings; ``resolve`` is replaceable in tests."""

    def __init__(self, settings: Settings, resolve=None):
        self.allow_http = settings.webhook_allow_http
        self.allowed = parse_networks(settings.webhook_allow_networks)
        self.resolve = resolve or resolve_host

    def check_address(self, ip, host: str, named: bool = False):
        """``ip`` if a webhook may reach it. For a name (``named``) the refusal does not
        say which address it resolved to: that is not the caller's to learn."""
        ip = ipaddress.ip_address(ip)
        same = host == str(ip)
        if is_metadata(ip):  # before the allowed networks: they never open it
            self._refuse(named and host, f"{host} is the cloud metadata address" if same else
                         f"{host} is {ip}, the cloud metadata address")
        if any(ip in n or any(a in n for a in embedded_ipv4(ip)) for n in self.allowed):
            return ip
        reason = _why_not_public(ip)
        if reason:
            self._refuse(named and host, f"{host} is not public ({reason})" if same else f"{host} is {ip} ({reason})")
        return ip

    @staticmethod
    def _refuse(name, why_literal):
        why = f"{name} resolves to an address that is not public" if name else why_literal
        raise Refused(f"{why}; webhook URLs must reach a public address")

    def check_url(self, url: str) -> Target:
        """Where ``url`` points if its scheme and host are acceptable; Refused otherwise."""
        try:
            parts = urllib.parse.urlsplit(url)
            hostname = parts.hostname
        except ValueError:
            raise Refused(f"url {url[:200]!r} is not a valid URL; check its host") from None
        try:
            port = parts.port
        except ValueError:
            raise Refused(f"url {url[:200]!r} has an invalid port") from None
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parts.scheme not in schemes:
            raise Refused(f"url {url[:200]!r} must use https://" + ("" if self.allow_http else
                          " (plain http is allowed only with WEBHOOK_ALLOW_HTTP for local development)"))
        if not hostname:
            raise Refused(f"url {url[:200]!r} has no host name")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = hostname if literal_address(hostname) is not None else ascii_host(hostname)
        return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)

    def addresses(self, url: str) -> tuple[Target, list]:
        """Every address ``url`` reaches, each checked; Refused if any is not allowed."""
        target = self.check_url(url)
        literal = literal_address(target.host)
        if literal is not None:
            return target, [self.check_address(literal, target.host)]
        try:
            found = self.resolve(target.host, target.port)
        except (OSError, ValueError):
            raise Refused(f"host {target.host!r} does not resolve; check the URL's spelling") from None
        if not found:
            raise Refused(f"host {target.host!r} has no addresses")
        # Every address must pass: a resolver may hand out any of them later.
        return target, [self.check_address(ip, target.host, named=True) for ip in found]


    def broker_addresses(self, uri: str) -> tuple[Target, list]:
        """A partner broker's amqps:// URI, checked as a webhook URL is (plain amqp:// only
        where WEBHOOK_ALLOW_HTTP allows plain http)."""
        scheme, _, rest = uri.partition("://")
        if scheme == "amqp" and not self.allow_http:
            raise Refused("forward.uri must use amqps:// (plain amqp is allowed only with WEBHOOK_ALLOW_HTTP "
                          "for local development)")
        if scheme not in ("amqp", "amqps"):
            raise Refused("forward.uri must be an amqps:// URI")
        return self.addresses(("https" if scheme == "amqps" else "http") + "://" + rest)


def resolve_host(host: str, port: int) -> list:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out
