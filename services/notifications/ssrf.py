"""The SSRF guard: a webhook may only reach public addresses.

Checked twice: when a subscription is created (a clear BadInput) and again on every
attempt, on the address actually connected to, so a name that later resolves to a
private address (DNS rebinding) is refused before a byte is sent.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse

from clearinghouse.config import Settings
from clearinghouse.errors import BadInput

# Never reachable, whatever the allowed networks say: cloud instance metadata.
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_NUMERIC_V4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)


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


def _why_not_public(ip) -> str | None:
    if ip in METADATA:
        return "the cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            reason = _why_not_public(embedded)
            return f"an IPv6 form of {embedded} ({reason})" if reason else None
    for label, test in (("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified),
                        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                        ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if test:
            return label
    if not ip.is_global:
        return "not globally routable"
    return None


class Guard:
    """What a webhook may reach under these settings; ``resolve`` is replaceable in tests."""

    def __init__(self, settings: Settings, resolve=None):
        self.allow_http = settings.webhook_allow_http
        self.allowed = parse_networks(settings.webhook_allow_networks)
        self.resolve = resolve or resolve_host

    def check_address(self, ip, host: str):
        ip = ipaddress.ip_address(ip)
        if ip in METADATA:
            raise Refused(f"{host} resolves to {ip}, the cloud metadata address; "
                          "webhook URLs must reach a public address")
        mapped = getattr(ip, "ipv4_mapped", None)
        if any(ip in n or (mapped is not None and mapped in n) for n in self.allowed):
            return ip
        reason = _why_not_public(ip)
        if reason:
            raise Refused(f"{host} resolves to {ip} ({reason}); webhook URLs must reach a public address")
        return ip

    def check_url(self, url: str) -> urllib.parse.SplitResult:
        """The parsed URL if its scheme and host are acceptable; Refused otherwise."""
        parts = urllib.parse.urlsplit(url)
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parts.scheme not in schemes:
            raise Refused(f"url {url!r} must use https://" + ("" if self.allow_http else
                          " (plain http is allowed only with WEBHOOK_ALLOW_HTTP for local development)"))
        if not parts.hostname:
            raise Refused(f"url {url!r} has no host name")
        try:
            parts.port
        except ValueError:
            raise Refused(f"url {url!r} has an invalid port")
        return parts

    def addresses(self, url: str) -> tuple[urllib.parse.SplitResult, list]:
        """Every address ``url`` reaches, each checked; Refused if any is not allowed."""
        parts = self.check_url(url)
        host = parts.hostname
        literal = literal_address(host)
        if literal is not None:
            return parts, [self.check_address(literal, host)]
        try:
            found = self.resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except OSError as exc:
            raise Refused(f"host {host!r} does not resolve ({exc}); check the URL's spelling")
        if not found:
            raise Refused(f"host {host!r} has no addresses")
        # Every address must pass: a resolver may hand out any of them later.
        return parts, [self.check_address(ip, host) for ip in found]


def resolve_host(host: str, port: int) -> list:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out
